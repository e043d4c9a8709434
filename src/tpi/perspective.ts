// Perspective augmentation: a homography from the canvas to a quadrilateral, applied to RGBA by
// inverse mapping with bilinear sampling (plain JavaScript, so the page and Node agree).

export type Point = readonly [number, number];
/** Row-major 3×3 matrix with h[8] = 1. */
export type Homography = readonly number[];

/** The homography taking src[i] to dst[i] for four point pairs (no three collinear). */
export function solveHomography(src: readonly Point[], dst: readonly Point[]): Homography {
  // x' = (h0 x + h1 y + h2) / (h6 x + h7 y + 1), y' likewise with h3..h5: 8 linear equations.
  const m: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i];
    const [u, v] = dst[i];
    m.push([x, y, 1, 0, 0, 0, -x * u, -y * u, u]);
    m.push([0, 0, 0, x, y, 1, -x * v, -y * v, v]);
  }
  // Gaussian elimination with partial pivoting on the augmented 8×9 matrix.
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-12) throw new RangeError('degenerate quadrilateral');
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      if (f !== 0) for (let k = c; k < 9; k++) m[r][k] -= f * m[c][k];
    }
  }
  return [...m.map((row, i) => row[8] / row[i]), 1];
}

export function applyHomography(h: Homography, x: number, y: number): Point {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** The canvas corners, clockwise from the top left, moved by [dx0, dy0, …, dx3, dy3] px. */
export function quadOf(width: number, height: number, offsets: readonly number[]): Point[] {
  const corners: Point[] = [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ];
  return corners.map(([x, y], i) => [x + offsets[2 * i], y + offsets[2 * i + 1]]);
}

/**
 * Warps the image so that its corners land on the moved corners, in place. Each output pixel
 * centre is mapped back into the source and sampled bilinearly; samples outside the source
 * read the background colour, so the page's edges are anti-aliased against it.
 */
export function warpPerspective(rgba: Uint8ClampedArray, w: number, h: number, offsets: readonly number[], bg: readonly [number, number, number]): void {
  const canvas = quadOf(w, h, [0, 0, 0, 0, 0, 0, 0, 0]);
  const inv = solveHomography(quadOf(w, h, offsets), canvas); // output → source
  const src = rgba.slice();
  const tap = (x: number, y: number, c: number) => (x >= 0 && x < w && y >= 0 && y < h ? src[4 * (y * w + x) + c] : bg[c]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [u, v] = applyHomography(inv, x + 0.5, y + 0.5);
      const fx = u - 0.5;
      const fy = v - 0.5;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const i = 4 * (y * w + x);
      if (!(x0 >= -1 && x0 < w && y0 >= -1 && y0 < h)) {
        rgba[i] = bg[0];
        rgba[i + 1] = bg[1];
        rgba[i + 2] = bg[2];
        rgba[i + 3] = 255;
        continue;
      }
      const tx = fx - x0;
      const ty = fy - y0;
      for (let c = 0; c < 3; c++) {
        const top = tap(x0, y0, c) + (tap(x0 + 1, y0, c) - tap(x0, y0, c)) * tx;
        const bottom = tap(x0, y0 + 1, c) + (tap(x0 + 1, y0 + 1, c) - tap(x0, y0 + 1, c)) * tx;
        rgba[i + c] = Math.round(top + (bottom - top) * ty);
      }
      rgba[i + 3] = 255;
    }
  }
}
