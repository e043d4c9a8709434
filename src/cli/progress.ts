/**
 * Progress of long CLI work on stderr. On a terminal: one line, rewritten in place a few times a
 * second, and cleared before any other message so that the two never mix. Elsewhere (a batch
 * system's log): a plain line now and then, so that a log shows a job is alive without growing
 * by a line per image.
 */

/** 42 s, 3m05s, 2h07m: short enough for a status line. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "1,200 of 5,000 records (24%) · 731/s · 5s left", or without a total "1,200 records · 731/s". */
export function progressText(done: number, total: number | null, seconds: number, unit = 'records'): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const parts = [total === null ? `${done.toLocaleString('en')} ${unit}` : `${done.toLocaleString('en')} of ${total.toLocaleString('en')} ${unit} (${total > 0 ? Math.floor((100 * done) / total) : 100}%)`];
  if (rate > 0) parts.push(`${Math.round(rate).toLocaleString('en')}/s`);
  if (total !== null && rate > 0 && done < total) parts.push(`${formatDuration((1000 * (total - done)) / rate)} left`);
  return parts.join(' · ');
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** Work done so far; the line is redrawn if enough time has passed since the last one. */
  update(done: number): void;
  /** The total, once it is known (it may come after the work has started). */
  setTotal(total: number): void;
  /** A message of its own line (a bad record, say), without breaking the progress line. */
  log(message: string): void;
  /** Clears the progress line: the work is over. */
  end(): void;
}

export interface ProgressOptions {
  label: string;
  unit?: string;
  /** Prints a message line (default: written to the stream). */
  print?: (message: string) => void;
  now?: () => number;
  ttyEveryMs?: number;
  logEveryMs?: number;
}

export function createProgress(stream: ProgressStream, o: ProgressOptions): Progress {
  const now = o.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const every = tty ? (o.ttyEveryMs ?? 250) : (o.logEveryMs ?? 30_000);
  const start = now();
  let last = tty ? -Infinity : start; // a terminal shows the line at once; a log after a while
  let done = 0;
  let total: number | null = null;
  let shown = false; // a progress line is on the terminal
  const text = () => `${o.label}: ${progressText(done, total, (now() - start) / 1000, o.unit)}`;
  const clear = () => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  const draw = () => {
    if (tty) {
      stream.write(`\r\x1b[K${text()}`);
      shown = true;
    } else stream.write(`${text()}\n`);
  };
  return {
    update(n) {
      done = n;
      const t = now();
      if (t - last < every) return;
      last = t;
      draw();
    },
    setTotal(n) {
      total = n;
    },
    log(message) {
      clear();
      if (o.print) o.print(message);
      else stream.write(`${message}\n`);
      if (tty && done > 0) draw();
    },
    end: clear,
  };
}
