/**
 * Reading a picked file takes a moment (its bytes, a decode). Two picks in quick succession
 * must keep the one made last, and an action started meanwhile must see that image, not the
 * one before: `pick` runs a read with a `newest()` check, `settled()` waits for the last read.
 */
export interface Picks {
  pick<T>(read: (newest: () => boolean) => Promise<T>): Promise<T>;
  settled(): Promise<void>;
}

export function createPicks(): Picks {
  let seq = 0;
  let last: Promise<void> = Promise.resolve();
  return {
    pick(read) {
      const mine = ++seq;
      const done = read(() => mine === seq);
      last = done.then(
        () => undefined,
        () => undefined,
      );
      return done;
    },
    settled: () => last,
  };
}
