import { describe, expect, it } from 'vitest';
import { parseCsvRows } from './csv.ts';
import { DEFAULT_QUESTION, ID_PATTERN, MAX_TEXT_CHARS, llavaRecord, parseCsv, parseDataset, parseJsonl, validateLlavaRecord } from './dataset.ts';
import { datasetZip } from './export.ts';
import { unzipSync, strFromU8 } from 'fflate';

const META = { preset: 'paper', width: 336, height: 336, font: 'sans', font_size: 32, lines: 1, overflow: false } as const;

describe('JSONL input', () => {
  it('keeps good records, reports bad ones with their line, skips blank lines', () => {
    const text = [
      '{"text": "A red bus.", "id": "bus"}',
      '{oops',
      '',
      '{"question": "q", "answer": "a"}',
      '{"text": "   "}',
      `{"text": "${'x'.repeat(MAX_TEXT_CHARS + 1)}"}`,
      '{"text": "q only", "question": "why?"}',
      '[1, 2]',
      '{"text": 42}',
      '{"text": "bad id", "id": "../etc/passwd"}',
      '{"text": "again", "id": "bus"}',
      '{"text": "Fine, with QA.", "question": "Is it fine?", "answer": "Yes.", "id": 7}',
    ].join('\r\n');
    const d = parseJsonl(text);
    expect(d.records.map((r) => [r.id, r.line, r.index])).toEqual([
      ['bus', 1, 0],
      ['7', 12, 10],
    ]);
    expect(d.bad.map((b) => b.line)).toEqual([2, 4, 5, 6, 7, 8, 9, 10, 11]);
    const reasons = Object.fromEntries(d.bad.map((b) => [b.line, b.reason]));
    expect(reasons[2]).toMatch(/^invalid JSON/);
    expect(reasons[4]).toBe('no "text" field');
    expect(reasons[5]).toBe('"text" is empty');
    expect(reasons[6]).toMatch(/20,001 characters long; the limit is 20,000/);
    expect(reasons[7]).toMatch(/question.*without an "answer"/);
    expect(reasons[8]).toBe('not a JSON object');
    expect(reasons[9]).toMatch(/must be a string/);
    expect(reasons[10]).toMatch(/cannot be a file name/);
    expect(reasons[11]).toBe('the id "bus" is already used on line 1');
  });

  it('gives records without an id one from their position among all records', () => {
    const d = parseJsonl('{"text":"a"}\n\n{bad\n{"text":"b"}\n');
    expect(d.records.map((r) => r.id)).toEqual(['tpi-000001', 'tpi-000003']);
  });

  it('ignores a UTF-8 byte-order mark at the start of the file, as the CSV reader does', () => {
    const lines = ['{"text":"first","id":"one"}', '{"text":"second"}'];
    const withBom = parseJsonl('\uFEFF' + lines.join('\n'));
    expect(withBom).toEqual(parseJsonl(lines.join('\n')));
    expect(withBom.records.map((r) => r.id)).toEqual(['one', 'tpi-000002']);
    // Only at the start of the file: elsewhere it is a character of the line, as JSON says.
    expect(parseJsonl(`${lines[0]}\n\uFEFF${lines[1]}`).bad.map((b) => b.line)).toEqual([2]);
  });

  it('takes numeric ids only as safe integers, which keep their digits', () => {
    const d = parseJsonl(['{"text":"a","id":12345678901234567890}', '{"text":"b","id":12345678901234567891}', '{"text":"c","id":1e21}', `{"text":"d","id":${Number.MAX_SAFE_INTEGER}}`, '{"text":"e","id":"12345678901234567890"}'].join('\n'));
    expect(d.records.map((r) => r.id)).toEqual([String(Number.MAX_SAFE_INTEGER), '12345678901234567890']);
    expect(d.bad.map((b) => b.line)).toEqual([1, 2, 3]);
    for (const b of d.bad) expect(b.reason).toMatch(/"id" is a number too large to keep exactly .*write the id as a string/);
    for (const r of d.records) expect(r.id).toMatch(ID_PATTERN);
  });

  it('refuses ids that clash on case-insensitive file systems and names Windows reserves', () => {
    const ids = ['A1', 'b', 'a1', 'CON', 'nul.txt', 'Com1', 'lpt9.png', 'aux', 'prn', 'console', 'com10', 'B'];
    const d = parseJsonl(ids.map((id) => JSON.stringify({ text: id, id })).join('\n'));
    expect(d.records.map((r) => r.id)).toEqual(['A1', 'b', 'console', 'com10']);
    const reasons = Object.fromEntries(d.bad.map((b) => [b.line, b.reason]));
    expect(reasons[3]).toBe('the id "a1" clashes with the id "A1" on line 1 on case-insensitive file systems');
    expect(reasons[12]).toBe('the id "B" clashes with the id "b" on line 2 on case-insensitive file systems');
    for (const line of [4, 5, 6, 7, 8, 9]) expect(reasons[line], ids[line - 1]).toMatch(new RegExp(`^"id" "${ids[line - 1]}" is a reserved file name on Windows`));
    // The same through CSV (ids there are always strings).
    expect(parseCsv('id,text\nx,one\nX,two\nCOM3,three').bad.map((b) => b.line)).toEqual([3, 4]);
  });

  it('never gives a record an automatic id that an explicit one has, before or after it', () => {
    // Line 1 takes record 2's automatic id; line 4 takes record 3's, which that record needed.
    const d = parseJsonl(['{"text":"a","id":"tpi-000002"}', '{"text":"b"}', '{"text":"c"}', '{"text":"d","id":"TPI-000003"}', '{"text":"e","id":"tpi-000005"}', '{"text":"f","id":"tpi-7"}'].join('\n'));
    const ids = d.records.map((r) => r.id);
    expect(ids).toEqual(['tpi-000002', 'tpi-000003', 'tpi-000005', 'tpi-7']);
    expect(new Set(ids.map((id) => id.toLowerCase())).size).toBe(ids.length);
    expect(d.bad.map((b) => [b.line, b.reason])).toEqual([
      [1, '"id" "tpi-000002" is the automatic id of record 2: ids tpi-<position> are kept for records without an id; give this one another id'],
      [4, '"id" "TPI-000003" is the automatic id of record 3: ids tpi-<position> are kept for records without an id; give this one another id'],
    ]);
  });

  it('refuses a text with no visible characters', () => {
    const invisible = ['\u200b', '\u200b\u200d\u2060', '\u00ad', '\u3164', '\ufeff\u200b', '\u180e', '\u2800'];
    const d = parseJsonl([...invisible, 'a\u200b'].map((text) => JSON.stringify({ text })).join('\n'));
    expect(d.records.map((r) => r.text)).toEqual(['a\u200b']);
    expect(d.bad.map((b) => b.reason)).toEqual(invisible.map(() => '"text" has no visible characters'));
  });
});

describe('CSV input', () => {
  it('handles quotes, doubled quotes, commas and newlines inside fields, CRLF and a BOM', () => {
    const { rows, problems } = parseCsvRows('\uFEFFtext,id\r\n"a, ""quoted""\nline",x\r\nplain,y\n\n');
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 1, fields: ['text', 'id'] },
      { line: 2, fields: ['a, "quoted"\nline', 'x'] },
      { line: 4, fields: ['plain', 'y'] },
    ]);
  });

  it('reports rows with the wrong field count, empty text and an unclosed quote by line', () => {
    const d = parseCsv('Text,Question,Answer\nok,,\n"two\nlines",q?,a.\ntoo,many,fields,here\n,,\n"never closed,x,y\nmore');
    expect(d.records.map((r) => [r.text, r.line, r.question ?? null])).toEqual([
      ['ok', 2, null],
      ['two\nlines', 3, 'q?'],
    ]);
    expect(d.bad.map((b) => [b.line, b.reason])).toEqual([
      [5, '4 fields, but the header has 3'],
      [6, '"text" is empty'],
      [7, expect.stringMatching(/never closed/)],
    ]);
  });

  it('needs a text column; the file name picks the parser', () => {
    expect(parseCsv('id,caption\n1,hello').bad[0].reason).toMatch(/no "text" column/);
    expect(parseDataset('text\nhello', 'x.CSV').records[0].text).toBe('hello');
    expect(parseDataset('{"text":"hello"}', 'x.jsonl').records[0].text).toBe('hello');
  });
});

describe('LLaVA output', () => {
  it('writes the conversation, the image path and the render metadata', () => {
    const [r] = parseJsonl('{"text":"A cat.","question":"What animal?","answer":"A cat.","id":"c1"}').records;
    const rec = llavaRecord(r, { ...META });
    expect(rec).toEqual({
      id: 'c1',
      image: 'images/c1.png',
      conversations: [
        { from: 'human', value: '<image>\nWhat animal?' },
        { from: 'gpt', value: 'A cat.' },
      ],
      tpi: META,
    });
    expect(validateLlavaRecord(rec)).toEqual([]);
    const [plain] = parseJsonl('{"text":"Only a description."}').records;
    expect(llavaRecord(plain, { ...META }).conversations).toEqual([
      { from: 'human', value: `<image>\n${DEFAULT_QUESTION}` },
      { from: 'gpt', value: 'Only a description.' },
    ]);
    expect(validateLlavaRecord({ ...rec, image: 'x.png', tpi: { ...META, overflow: 'no' } })).toEqual(['image', 'tpi.overflow']);
  });

  it('zips images, data.jsonl and the rejected records', () => {
    const d = parseJsonl('{"text":"a","id":"a"}\n{bad\n{"text":"b","id":"b"}');
    const png = new Uint8Array([137, 80, 78, 71]);
    const zip = unzipSync(datasetZip(d.records.map((record) => ({ record, meta: { ...META }, png })), d.bad));
    expect(Object.keys(zip).sort()).toEqual(['data.jsonl', 'images/a.png', 'images/b.png', 'rejected.jsonl']);
    expect(strFromU8(zip['data.jsonl']).trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['a', 'b']);
    expect(JSON.parse(strFromU8(zip['rejected.jsonl'])).line).toBe(2);
  });
});
