/**
 * A small key-value store over IndexedDB, one database per view, so that a view's work
 * survives a reload. The connection is opened once and kept: a save made as the page closes
 * must start its transaction at once (opening first lost about one draft in four on a reload).
 */
const STORE = 'kv';

const connections = new Map<string, Promise<IDBDatabase>>();

function open(name: string): Promise<IDBDatabase> {
  let db = connections.get(name);
  if (!db) {
    db = new Promise((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => {
        const conn = req.result;
        // Another tab upgrading or deleting the database, or the browser closing it: open again next time.
        conn.onversionchange = () => (conn.close(), connections.delete(name));
        conn.onclose = () => connections.delete(name);
        resolve(conn);
      };
      req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
    });
    connections.set(name, db);
    db.catch(() => connections.delete(name));
  }
  return db;
}

async function run<T>(name: string, mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open(name);
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = f(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (is the disk full?)'));
    tx.commit?.(); // one request: let it commit now rather than when the page's task ends
  });
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
