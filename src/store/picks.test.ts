import { describe, expect, it } from 'vitest';
import { createPicks } from './picks.ts';

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createPicks', () => {
  it('keeps the pick made last, even when an earlier one finishes reading after it', async () => {
    const picks = createPicks();
    let shown = '';
    const show = (name: string, ms: number) =>
      picks.pick(async (newest) => {
        await later(ms);
        if (newest()) shown = name;
      });
    await Promise.all([show('slow first', 30), show('quick second', 1)]);
    expect(shown).toBe('quick second');
  });

  it('settled() waits for the read in flight, and for nothing when there is none', async () => {
    const picks = createPicks();
    const order: string[] = [];
    await picks.settled();
    void picks.pick(async () => {
      await later(20);
      order.push('read');
    });
    await picks.settled();
    order.push('action');
    expect(order).toEqual(['read', 'action']);
  });

  it('a failed read settles too, and its error still reaches the picker', async () => {
    const picks = createPicks();
    const failing = picks.pick(async () => {
      throw new Error('unreadable');
    });
    await expect(failing).rejects.toThrow('unreadable');
    await expect(picks.settled()).resolves.toBeUndefined();
  });
});
