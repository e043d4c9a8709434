import { describe, expect, it } from 'vitest';
import { csvField, metricsCsv, projectionCsv } from './export.ts';
import { bytesToDataUrl, dataUrlBytes, pairsJsonl, parsePairs } from './pairs.ts';

describe('parsePairs', () => {
  it('reads records and reports bad lines by number', () => {
    const text = [
      '{"id":"a","image":"a.png","text":"A cat.","question":"What?","answer":"cat"}',
      '',
      'not json',
      '{"id":"b","image":"b.png","text":"  "}',
      '{"id":"c","text":"no image"}',
      '{"id":"a","image":"a2.png","text":"dup"}',
      '{"image":"d.png","text":"no id"}',
    ].join('\n');
    const { records, bad } = parsePairs(text);
    expect(records.map((r) => [r.id, r.line])).toEqual([
      ['a', 1],
      ['line-7', 7],
    ]);
    expect(records[0]).toMatchObject({ question: 'What?', answer: 'cat' });
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [3, 'not valid JSON'],
      [4, 'empty text'],
      [5, 'no image'],
      [6, 'duplicate id "a"'],
    ]);
  });

  it('round-trips through pairsJsonl with data: URLs', () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 0, 255]);
    const url = bytesToDataUrl(bytes, 'image/png');
    expect(Array.from(dataUrlBytes(url)!)).toEqual(Array.from(bytes));
    expect(dataUrlBytes('a.png')).toBeNull();
    const back = parsePairs(pairsJsonl([{ id: 'x', image: url, text: 'hi, "you"' }]));
    expect(back.records[0]).toMatchObject({ id: 'x', image: url, text: 'hi, "you"' });
  });
});

describe('exports', () => {
  it('writes projection and metrics CSV with quoting', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(projectionCsv([{ id: 'a,1', lens: 'vlm', form: 'tpi', x: 1.5, y: -2 }])).toBe('id,lens,form,x,y\n"a,1",vlm,tpi,1.5,-2\n');
    const m = { centroid_gap: { 'real-tpi': 0.5, 'real-text': null, 'tpi-text': 1 } };
    const csv = metricsCsv({ vlm: { ...m, paired_cosine: m.centroid_gap, linear_cka: m.centroid_gap, retrieval_top1: m.centroid_gap } });
    expect(csv.split('\n')[0]).toBe('lens,metric,pair,value');
    expect(csv).toContain('vlm,centroid_gap,real-text,\n');
    expect(csv.trim().split('\n')).toHaveLength(13);
  });
});
