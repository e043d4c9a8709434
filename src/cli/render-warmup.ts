/**
 * Warming up a `tpi render` worker thread that was started before the command line was read
 * (render-prestart.ts): while the main thread loads its modules, the thread renders made-up
 * texts so that V8 has compiled the renderer's hot code when the real records come. Its caches
 * are thrown away afterwards: the real work starts from a fresh renderer, as without warm-up.
 */
import { mulberry32 } from '../gap/rng.ts';
import { batchRenderer } from './render-batch.ts';
import type { TextRenderer } from './render-backend.ts';

const CONSONANTS = 'bcdfghklmnprstvz';
const VOWELS = 'aeiou';

/**
 * Made-up words (no dataset's vocabulary), in texts of 8 to 240 words: short captions drawn
 * large and long paragraphs shrunk, as a real corpus has.
 */
export function warmUpTexts(count: number, seed = 1): string[] {
  const rand = mulberry32(seed);
  const pick = (s: string) => s[Math.floor(rand() * s.length)];
  const word = () => {
    let w = '';
    for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) w += pick(CONSONANTS) + pick(VOWELS);
    return w;
  };
  const lengths = [8, 30, 90, 240];
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: lengths[i % lengths.length] }, (_, k) => (k === 0 ? word().replace(/^./, (c) => c.toUpperCase()) : word()));
    return words.join(' ').replace(/(\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) /g, '$1 $2 $3 $4 $5 $6 $7, ') + '.';
  });
}

/**
 * Renders warm-up texts one at a time (PNGs encoded and dropped), returning to the event loop
 * between them so that a message can stop it, until `stop()` or `budgetMs` has passed.
 * Resolves with the number of texts rendered.
 */
export async function warmUp(textRenderer: TextRenderer, stop: () => boolean, budgetMs = 1500): Promise<number> {
  const render = batchRenderer({ choices: { preset: 'paper', font: 'sans' }, mode: 'png', textRenderer });
  const texts = warmUpTexts(64);
  const t0 = performance.now();
  let n = 0;
  while (!stop() && performance.now() - t0 < budgetMs) {
    await render([{ index: n, line: n + 1, id: 'warm-up', text: texts[n % texts.length] }]);
    n++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return n;
}
