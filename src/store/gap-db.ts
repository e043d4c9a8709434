/** The Gap lab's items in IndexedDB, so that a reload keeps them (features are recomputed). */
import type { GapItem } from './gap.ts';
import { kvDb } from './kv-db.ts';

const db = kvDb('tpi-gap');

export const saveItems = (items: GapItem[]) => db.put('items', items);
export const loadItems = () => db.get<GapItem[]>('items');
