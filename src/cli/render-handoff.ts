/**
 * Pages handed from the rendering threads of `tpi render` to the main thread, which codes their
 * PNGs (png-pieces.ts) and writes them, as placed pieces: numbers of the thread's pieces and
 * their positions in transferred buffers, each piece's geometry sent once, and its coverage read
 * in place from memory the two threads share. With
 * two threads on two cores, one renders and the other codes and writes, instead of both doing
 * everything: V8 compiles each part and the canvas draws each piece in one thread only, which
 * is most of what a short run costs (docs/bench-render.md). A rendering thread codes a page
 * itself when the main thread is behind.
 */
import { placedPage, type PageFrame, type PlacedPage } from '../tpi/compose.ts';
import type { PieceBitmap } from '../tpi/pieces.ts';

/**
 * A page as an offset into its batch's PieceNews.pages: there, the number of its pieces n, then
 * n piece numbers (in drawing order), n x and n y positions (top-left pixels).
 */
export type PlacedRef = number;

/**
 * What a batch adds to the main thread's copy of a rendering thread's pieces: the batch's
 * handed-off pages and the pieces they use for the first time, in two buffers that are
 * transferred, not copied (structured cloning of arrays and objects cost both threads time),
 * and the shared memory that holds those pieces' coverage.
 */
export interface PieceNews {
  /** The pages (see PlacedRef). */
  pages: Int32Array;
  /** Per new piece: its number, left, top, width, height, and its coverage: which of `coverage`, at which byte. */
  pieces: Int32Array;
  /** The memory the new pieces' coverage is in (shared, so neither copied nor moved). */
  coverage: SharedArrayBuffer[];
  /** Numbers below this one are not used again: the main thread forgets them (0: none). */
  forgetBelow: number;
}

const PIECE_FIELDS = 7;

/**
 * A rendering thread's pieces' coverage, drawn straight into shared memory (1 MB blocks; a
 * larger piece gets its own) that the main thread then reads in place: each piece's bytes are
 * written once, where copying them into a transferred buffer took the rendering thread fresh
 * memory every batch (a page fault per 4 KB, 11 µs each on the benchmark's VM). Blocks are
 * only appended to, and freed by the garbage collector once no piece on either side uses them.
 */
export class SharedCoverage {
  private block: SharedArrayBuffer | null = null;
  private used = 0;

  constructor(private readonly blockBytes = 1 << 20) {}

  /** `bytes` of coverage (zeros until written). */
  array = (bytes: number): Uint8Array => {
    if (bytes > this.blockBytes / 4) return new Uint8Array(new SharedArrayBuffer(bytes));
    if (!this.block || this.used + bytes > this.blockBytes) {
      this.block = new SharedArrayBuffer(this.blockBytes);
      this.used = 0;
    }
    const a = new Uint8Array(this.block, this.used, bytes);
    this.used += bytes;
    return a;
  };
}

/** The rendering thread's side: numbers its pieces and keeps what the main thread has not seen. */
export class PieceNumbers {
  private ids = new WeakMap<PieceBitmap, number>();
  private next = 1;
  private known = 0;
  private pages: number[] = [];
  private fresh: PieceBitmap[] = [];
  private freshIds: number[] = [];
  private forgetBelow = 0;

  /** `limit`: pieces the main thread keeps a copy of, at most, before it starts again. */
  constructor(private readonly limit = 60_000) {}

  /** Called before a batch: past the limit, every piece is numbered (and sent) anew. */
  startBatch(): void {
    if (this.known < this.limit) return;
    this.ids = new WeakMap();
    this.forgetBelow = this.next;
    this.known = 0;
  }

  ref(page: PlacedPage): PlacedRef {
    const at = this.pages.length;
    const { bitmaps, xs, ys } = page;
    const out = this.pages;
    out.push(bitmaps.length);
    for (const b of bitmaps) {
      let id = this.ids.get(b);
      if (id === undefined) {
        this.ids.set(b, (id = this.next++));
        this.known++;
        this.fresh.push(b);
        this.freshIds.push(id);
      }
      out.push(id);
    }
    for (const x of xs) out.push(x);
    for (const y of ys) out.push(y);
    return at;
  }

  /** The news of the batch just rendered, once. Every piece's coverage must be in shared memory (SharedCoverage). */
  take(): PieceNews {
    const pieces = new Int32Array(PIECE_FIELDS * this.fresh.length);
    const coverage: SharedArrayBuffer[] = [];
    this.fresh.forEach((b, k) => {
      const memory = b.alpha.buffer;
      if (!(memory instanceof SharedArrayBuffer)) throw new Error('a piece handed off must have its coverage in shared memory (SharedCoverage)');
      let m = coverage.lastIndexOf(memory); // a batch's pieces are in one or two blocks
      if (m < 0) m = coverage.push(memory) - 1;
      const o = PIECE_FIELDS * k;
      pieces[o] = this.freshIds[k];
      pieces[o + 1] = b.left;
      pieces[o + 2] = b.top;
      pieces[o + 3] = b.width;
      pieces[o + 4] = b.height;
      pieces[o + 5] = m;
      pieces[o + 6] = b.alpha.byteOffset;
    });
    const news = { pages: Int32Array.from(this.pages), pieces, coverage, forgetBelow: this.forgetBelow };
    this.pages = [];
    this.fresh = [];
    this.freshIds = [];
    this.forgetBelow = 0;
    return news;
  }
}

/** The buffers of a batch's news to move to the main thread rather than copy (the coverage is shared). */
export const newsBuffers = (news: PieceNews): ArrayBuffer[] => [news.pages.buffer, news.pieces.buffer] as ArrayBuffer[];

/** The main thread's copy of one rendering thread's pieces. */
export class PieceMirror {
  private readonly byId = new Map<number, PieceBitmap>();
  private pages: Int32Array = new Int32Array(0);

  /** `frame`: the run's page frame (every handed-off page has it: grey, not augmented). */
  constructor(private readonly frame: PageFrame) {}

  /** Applied before the batch's pages are read: they are read from this batch's news. */
  update(news: PieceNews): void {
    if (news.forgetBelow > 0) for (const id of this.byId.keys()) if (id < news.forgetBelow) this.byId.delete(id);
    const { pieces, coverage } = news;
    for (let k = 0; k < pieces.length; k += PIECE_FIELDS) {
      const [width, height] = [pieces[k + 3], pieces[k + 4]];
      // A view of the rendering thread's own bytes, not a copy.
      const alpha = new Uint8Array(coverage[pieces[k + 5]], pieces[k + 6], width * height);
      this.byId.set(pieces[k], { left: pieces[k + 1], top: pieces[k + 2], width, height, alpha });
    }
    this.pages = news.pages;
  }

  page(ref: PlacedRef): PlacedPage {
    const p = this.pages;
    const n = p[ref];
    const bitmaps: PieceBitmap[] = [];
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = p[ref + 1 + i];
      const b = this.byId.get(id);
      if (!b) throw new Error(`piece ${id} was never sent`);
      bitmaps.push(b);
      xs.push(p[ref + 1 + n + i]);
      ys.push(p[ref + 1 + 2 * n + i]);
    }
    return placedPage(this.frame, bitmaps, xs, ys);
  }
}
