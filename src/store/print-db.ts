/**
 * The Print view's work kept in IndexedDB so that it survives a reload: the imported dataset
 * (records and the list of bad ones), the text being typed and the settings. Rendered images
 * are not kept: they are quick to render again from these.
 */
import { kvDb } from './kv-db.ts';
import type { LoadedDataset, PrintSettings } from './print.ts';

const db = kvDb('tpi-print');

export interface SavedDraft {
  text: string;
  settings: PrintSettings;
}

export const saveDataset = (d: LoadedDataset | null) => (d ? db.put('dataset', d) : db.delete('dataset'));
export const loadDataset = () => db.get<LoadedDataset>('dataset');
export const saveDraft = (d: SavedDraft) => db.put('draft', d);
export const loadDraft = () => db.get<SavedDraft>('draft');
