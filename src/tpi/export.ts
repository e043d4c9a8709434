// The dataset zip the Print view exports: images/<id>.png and data.jsonl (LLaVA conversations
// with render metadata, PRODUCT.md "Formats"), plus rejected.jsonl listing the input records
// that were not rendered and why, so that nothing is lost without a trace.

import { zipSync, strToU8, type Zippable } from 'fflate';
import { imagePath, llavaRecord, type BadRecord, type InputRecord } from './dataset.ts';
import type { TpiMeta } from './render.ts';

export interface RenderedRecord {
  record: InputRecord;
  meta: TpiMeta;
  png: Uint8Array;
}

export function dataJsonl(items: readonly RenderedRecord[]): string {
  return items.map((it) => JSON.stringify(llavaRecord(it.record, it.meta)) + '\n').join('');
}

export function rejectedJsonl(bad: readonly BadRecord[]): string {
  return bad.map((b) => JSON.stringify({ line: b.line, reason: b.reason }) + '\n').join('');
}

/** PNGs are stored (they are compressed already); the JSONL files are deflated. */
export function datasetZip(items: readonly RenderedRecord[], bad: readonly BadRecord[] = []): Uint8Array {
  const files: Zippable = { 'data.jsonl': [strToU8(dataJsonl(items)), { level: 6 }] };
  if (bad.length) files['rejected.jsonl'] = [strToU8(rejectedJsonl(bad)), { level: 6 }];
  for (const it of items) files[imagePath(it.record.id)] = [it.png, { level: 0 }];
  return zipSync(files);
}
