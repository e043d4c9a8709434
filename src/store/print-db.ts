/**
 * The Print view's work kept in IndexedDB so that it survives a reload: the imported dataset
 * (records and the list of bad ones), the text being typed and the settings. Rendered images
 * are not kept: they are quick to render again from these.
 */
import type { LoadedDataset, PrintSettings } from './print.ts';

const DB = 'tpi-print';
const STORE = 'kv';

export interface SavedDraft {
  text: string;
  settings: PrintSettings;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
  });
}

async function run<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
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

export const saveDataset = (d: LoadedDataset | null) =>
  d ? run('readwrite', (s) => s.put(d, 'dataset')) : run('readwrite', (s) => s.delete('dataset'));
export const loadDataset = () => run<LoadedDataset | undefined>('readonly', (s) => s.get('dataset'));
export const saveDraft = (d: SavedDraft) => run('readwrite', (s) => s.put(d, 'draft'));
export const loadDraft = () => run<SavedDraft | undefined>('readonly', (s) => s.get('draft'));
