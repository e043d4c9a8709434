import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, progressText } from './progress.ts';

describe('formatDuration', () => {
  it('writes seconds, minutes and hours', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(42_400)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(2 * 3600_000 + 7 * 60_000 + 59_000)).toBe('2h07m');
    expect(formatDuration(-5)).toBe('0s');
  });
});

describe('progressText', () => {
  it('gives the share, the rate and the time left', () => {
    // 1,200 in 2 s: 600/s; 3,800 left: 6.33 s → 6s.
    expect(progressText(1200, 5000, 2)).toBe('1,200 of 5,000 records (24%) · 600/s · 6s left');
  });
  it('has no total or time left when the total is unknown', () => {
    expect(progressText(1200, null, 2)).toBe('1,200 records · 600/s');
  });
  it('has no rate before any time has passed, and no time left when done', () => {
    expect(progressText(0, 10, 0)).toBe('0 of 10 records (0%)');
    expect(progressText(10, 10, 1, 'images')).toBe('10 of 10 images (100%) · 10/s');
    expect(progressText(0, 0, 1)).toBe('0 of 0 records (100%)');
  });
});

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (t: string) => out.push(t) } };
}

describe('createProgress', () => {
  it('on a terminal, rewrites one line at most every ttyEveryMs and clears it at the end', () => {
    let t = 0;
    const { out, stream } = fakeStream(true);
    const p = createProgress(stream, { label: 'Rendering', now: () => t, ttyEveryMs: 100 });
    p.setTotal(4);
    t = 1000;
    p.update(1); // shown at once
    t = 1050;
    p.update(2); // too soon
    t = 1200;
    p.update(3);
    p.end();
    expect(out).toEqual(['\r\x1b[KRendering: 1 of 4 records (25%) · 1/s · 3s left', '\r\x1b[KRendering: 3 of 4 records (75%) · 3/s · 0s left', '\r\x1b[K']);
  });

  it('clears the line before a message and draws it again after', () => {
    let t = 0;
    const { out, stream } = fakeStream(true);
    const printed: string[] = [];
    const p = createProgress(stream, { label: 'R', now: () => t, print: (m) => printed.push(m) });
    t = 2000;
    p.update(4);
    p.log('data.jsonl:3: not JSON');
    expect(printed).toEqual(['data.jsonl:3: not JSON']);
    expect(out).toEqual(['\r\x1b[KR: 4 records · 2/s', '\r\x1b[K', '\r\x1b[KR: 4 records · 2/s']);
    p.end();
    expect(out.at(-1)).toBe('\r\x1b[K');
  });

  it('in a log, writes whole lines, the first after logEveryMs, and nothing to clear', () => {
    let t = 0;
    const { out, stream } = fakeStream(false);
    const p = createProgress(stream, { label: 'Rendering', now: () => t, logEveryMs: 30_000 });
    t = 10_000;
    p.update(100);
    t = 30_000;
    p.update(300);
    t = 40_000;
    p.update(400);
    t = 61_000;
    p.update(610);
    p.log('bad line');
    p.end();
    expect(out).toEqual(['Rendering: 300 records · 10/s\n', 'Rendering: 610 records · 10/s\n', 'bad line\n']);
  });
});
