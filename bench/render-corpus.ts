/**
 * The benchmark's corpus: 1,000 English descriptions from 3 to 400 words (lengths spread
 * geometrically, so short captions and long paragraphs are both well represented), made
 * from a fixed vocabulary with a seeded generator: the same texts on every run and machine.
 */
import { mulberry32 } from '../src/gap/rng.ts';

const SUBJECTS = ['a red bus', 'an old woman', 'two children', 'a black cat', 'the market', 'a small boat', 'a cyclist', 'the tall building', 'a wooden table', 'three dogs', 'a crowded street', 'the river', 'a yellow taxi', 'a man in a blue coat', 'the mountain', 'a bowl of fruit', 'a street vendor', 'the old bridge', 'a group of tourists', 'a lighthouse'];
const VERBS = ['stands next to', 'waits beside', 'is parked in front of', 'walks towards', 'sits under', 'is reflected in', 'leans against', 'looks at', 'crosses', 'is surrounded by', 'passes', 'rests on'];
const OBJECTS = ['a brick wall', 'the fountain', 'several lanterns', 'a row of shops', 'the harbour', 'green trees', 'a parked car', 'a wet pavement', 'a striped awning', 'the evening sky', 'a wooden fence', 'bright neon signs', 'a stack of crates', 'the railway station'];
const TAILS = ['in the late afternoon', 'while it rains lightly', 'under a cloudy sky', 'at dusk', 'in warm sunlight', 'on a busy weekday', 'with long shadows on the ground', 'near the centre of the picture', 'in the background', 'slightly out of focus'];

function sentence(rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const s = `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}${rand() < 0.6 ? ` ${pick(TAILS)}` : ''}.`;
  return s[0].toUpperCase() + s.slice(1);
}

export function benchmarkTexts(count = 1000, seed = 2512): string[] {
  const rand = mulberry32(seed);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const target = Math.round(3 * Math.pow(400 / 3, i / (count - 1)));
    const words: string[] = [];
    while (words.length < target) words.push(...sentence(rand).split(' '));
    let text = words.slice(0, target).join(' ');
    if (!text.endsWith('.')) text += '.';
    texts.push(text);
  }
  // Short and long interleaved, as in a real dataset (and so that shards get similar work).
  const order = texts.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.map((i) => texts[i]);
}
