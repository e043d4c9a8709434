// Vitest 5's reporter calls Map.groupBy (Node 21+); Node 20 is what these machines have.
if (typeof Map.groupBy !== 'function') {
  Map.groupBy = (items, key) => {
    const m = new Map();
    let i = 0;
    for (const x of items) {
      const k = key(x, i++);
      if (!m.has(k)) m.set(k, []);
      m.get(k).push(x);
    }
    return m;
  };
}
if (typeof Object.groupBy !== 'function') {
  Object.groupBy = (items, key) => Object.fromEntries(Map.groupBy(items, key));
}
