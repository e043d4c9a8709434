import { describe, expect, it } from 'vitest';
import { applyPixelAugment, drawAugment, NO_AUGMENT, validateAugment } from './augment.ts';
import { applyHomography, quadOf, solveHomography, type Point } from './perspective.ts';

const square: Point[] = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
];
const close = (a: readonly number[], b: readonly number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 9));

describe('homography', () => {
  it('is the identity for unmoved corners', () => {
    const c = quadOf(336, 200, [0, 0, 0, 0, 0, 0, 0, 0]);
    close(solveHomography(c, c), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('solves a translation with scale: x′ = 4x + 2, y′ = 2y + 3', () => {
    const dst: Point[] = [
      [2, 3],
      [6, 3],
      [6, 5],
      [2, 5],
    ];
    close(solveHomography(square, dst), [4, 0, 2, 0, 2, 3, 0, 0, 1]);
  });

  it('solves a projective case: x′ = x / (x + 1), y′ = y / (x + 1)', () => {
    const dst: Point[] = [
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [0, 1],
    ];
    close(solveHomography(square, dst), [1, 0, 0, 0, 1, 0, 1, 0, 1]);
  });

  it('maps the canvas corners onto the moved corners, and the inverse back', () => {
    const canvas = quadOf(336, 336, [0, 0, 0, 0, 0, 0, 0, 0]);
    const moved = quadOf(336, 336, [12, 3, -25, 17, -8, -30, 21, -2]);
    const h = solveHomography(canvas, moved);
    const inv = solveHomography(moved, canvas);
    canvas.forEach((p, i) => {
      close(applyHomography(h, ...p), moved[i]);
      close(applyHomography(inv, ...moved[i]), p);
    });
    expect(() => solveHomography(square, [square[0], square[0], square[0], square[0]])).toThrow(RangeError);
  });
});

describe('perspective augmentation', () => {
  const w = 120;
  const h = 90;
  const black = () => {
    const px = new Uint8ClampedArray(w * h * 4);
    for (let i = 3; i < px.length; i += 4) px[i] = 255;
    return px;
  };
  const at = (px: Uint8ClampedArray, x: number, y: number) => [...px.subarray(4 * (y * w + x), 4 * (y * w + x) + 4)];
  const aug = { ...NO_AUGMENT, perspective: 0.08 };

  it('is validated and off at 0', () => {
    expect(() => validateAugment({ ...NO_AUGMENT, perspective: 0.2 })).toThrow(/augment perspective must be from 0 to 0.1/);
    expect(() => validateAugment({ ...NO_AUGMENT, perspective: -0.01 })).toThrow(RangeError);
    expect(drawAugment({ ...NO_AUGMENT, rotate: 2 }, 1, 'x', w, h).corners).toBeUndefined();
    const px = black();
    applyPixelAugment(px, w, h, drawAugment({ ...NO_AUGMENT, perspective: 0 }, 1, 'x', w, h));
    expect(px).toEqual(black());
  });

  it('keeps the angle and blur that a seed gave before, and draws corners inwards within the limit', () => {
    const before = drawAugment({ ...NO_AUGMENT, rotate: 5, blur: 2 }, 9, 'id', w, h);
    const after = drawAugment({ ...NO_AUGMENT, rotate: 5, blur: 2, perspective: 0.1 }, 9, 'id', w, h);
    expect(after).toMatchObject({ angle: before.angle, blur: before.blur });
    const c = after.corners!;
    expect(c).toHaveLength(8);
    const inward = [1, 1, -1, 1, -1, -1, 1, -1];
    c.forEach((v, i) => {
      expect(Number.isInteger(v)).toBe(true);
      expect(v * inward[i]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(v)).toBeLessThanOrEqual(Math.round(0.1 * (i % 2 ? h : w)));
    });
    expect(drawAugment(aug, 9, 'id', w, h)).toEqual(drawAugment(aug, 9, 'id', w, h));
    expect(drawAugment(aug, 9, 'id', w, h).corners).not.toEqual(drawAugment(aug, 10, 'id', w, h).corners);
  });

  it('uncovers background-coloured corners and keeps the centre in place', () => {
    const d = { ...drawAugment(aug, 1, 'x', w, h), corners: [6, 4, -8, 5, -5, -7, 9, -3] };
    const px = black();
    applyPixelAugment(px, w, h, d, '#102030');
    for (const [x, y] of [
      [0, 0],
      [w - 1, 0],
      [w - 1, h - 1],
      [0, h - 1],
      [3, 1],
    ])
      expect(at(px, x, y), `${x},${y}`).toEqual([16, 32, 48, 255]);
    expect(at(px, w / 2, h / 2)).toEqual([0, 0, 0, 255]);
    expect(at(px, 10, 10)).toEqual([0, 0, 0, 255]);
    // A dark dot at the centre lands where the homography takes the centre, a few px at most away.
    const dot = new Uint8ClampedArray(w * h * 4).fill(255);
    for (let y = h / 2 - 3; y < h / 2 + 3; y++) for (let x = w / 2 - 3; x < w / 2 + 3; x++) dot.fill(0, 4 * (y * w + x), 4 * (y * w + x) + 3);
    applyPixelAugment(dot, w, h, d);
    let [n, sx, sy] = [0, 0, 0];
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const ink = 255 - dot[4 * (y * w + x)];
        n += ink;
        sx += ink * (x + 0.5);
        sy += ink * (y + 0.5);
      }
    const [cx, cy] = applyHomography(solveHomography(quadOf(w, h, [0, 0, 0, 0, 0, 0, 0, 0]), quadOf(w, h, d.corners)), w / 2, h / 2);
    expect(Math.hypot(cx - w / 2, cy - h / 2)).toBeLessThan(3);
    expect(Math.abs(sx / n - cx)).toBeLessThan(0.3);
    expect(Math.abs(sy / n - cy)).toBeLessThan(0.3);
    expect(at(dot, 0, 0)).toEqual([255, 255, 255, 255]); // white by default
  });
});
