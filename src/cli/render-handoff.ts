/**
 * Pages handed from the rendering threads of `tpi render` to the main thread, which codes their
 * PNGs (png-pieces.ts) and writes them, as placed pieces: numbers of the thread's pieces and
 * their positions, each piece's bitmap sent once. With two threads on two cores, one renders
 * and the other codes and writes, instead of both doing everything: V8 compiles each part and
 * the canvas draws each piece in one thread only, which is most of what a short run costs
 * (docs/bench-render.md). A rendering thread codes a page itself when the main thread is behind.
 */
import { placedPage, type PageFrame, type PlacedPage } from '../tpi/compose.ts';
import type { PieceBitmap } from '../tpi/pieces.ts';

/** A piece's bitmap, sent to the main thread once, with its number. */
export interface SentPiece {
  id: number;
  left: number;
  top: number;
  width: number;
  height: number;
  alpha: Uint8Array;
}

/** A page as the numbers of its pieces (in drawing order) and their top-left pixels. */
export interface PlacedRef {
  pieces: number[];
  xs: number[];
  ys: number[];
}

/** What a batch adds to the main thread's copy of a rendering thread's pieces. */
export interface PieceNews {
  /** Pieces first used in this batch. */
  pieces: SentPiece[];
  /** Numbers below this one are not used again: the main thread forgets them (0: none). */
  forgetBelow: number;
}

/** The rendering thread's side: numbers its pieces and keeps the ones the main thread has not seen. */
export class PieceNumbers {
  private ids = new WeakMap<PieceBitmap, number>();
  private next = 1;
  private known = 0;
  private fresh: SentPiece[] = [];
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
    const pieces = page.bitmaps.map((b) => {
      let id = this.ids.get(b);
      if (id === undefined) {
        this.ids.set(b, (id = this.next++));
        this.known++;
        this.fresh.push({ id, left: b.left, top: b.top, width: b.width, height: b.height, alpha: b.alpha });
      }
      return id;
    });
    return { pieces, xs: page.xs, ys: page.ys };
  }

  /** The news of the batch just rendered, once. */
  take(): PieceNews {
    const news = { pieces: this.fresh, forgetBelow: this.forgetBelow };
    this.fresh = [];
    this.forgetBelow = 0;
    return news;
  }
}

/** The main thread's copy of one rendering thread's pieces. */
export class PieceMirror {
  private readonly byId = new Map<number, PieceBitmap>();

  /** `frame`: the run's page frame (every handed-off page has it: grey, not augmented). */
  constructor(private readonly frame: PageFrame) {}

  /** Applied before the batch's pages are read. */
  update(news: PieceNews): void {
    if (news.forgetBelow > 0) for (const id of this.byId.keys()) if (id < news.forgetBelow) this.byId.delete(id);
    for (const p of news.pieces) this.byId.set(p.id, { left: p.left, top: p.top, width: p.width, height: p.height, alpha: p.alpha });
  }

  page(ref: PlacedRef): PlacedPage {
    const bitmaps = ref.pieces.map((id) => {
      const b = this.byId.get(id);
      if (!b) throw new Error(`piece ${id} was never sent`);
      return b;
    });
    return placedPage(this.frame, bitmaps, ref.xs, ref.ys);
  }
}
