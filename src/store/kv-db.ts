/**
 * A small key-value store over IndexedDB, one database per view, so that a view's work
 * survives a reload. Each call opens, runs one transaction and closes.
 */
const STORE = 'kv';

function open(db: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(db, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
  });
}

async function run<T>(name: string, mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open(name);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = f(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (is the disk full?)'));
    });
  } finally {
    db.close();
  }
}

export interface KvDb {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export function kvDb(name: string): KvDb {
  return {
    get: <T,>(key: string) => run<T | undefined>(name, 'readonly', (s) => s.get(key) as IDBRequest<T | undefined>),
    put: async (key, value) => void (await run(name, 'readwrite', (s) => s.put(value, key))),
    delete: async (key) => void (await run(name, 'readwrite', (s) => s.delete(key))),
  };
}
