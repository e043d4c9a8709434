/**
 * The Gap lab's state: the items (an image and its description each), their features in each
 * form, the metrics and the 2-D projection. Its own store; items persist in IndexedDB (gap-db).
 */
import { create } from 'zustand';
import type { ProjectedPoint, MetricsJson } from '../gap/export.ts';
import type { BadPair } from '../gap/pairs.ts';
import type { ProjectionMethod } from '../gap/projection.ts';
import type { FeatureRecord, Lens } from '../gap/types.ts';

export interface GapItem {
  id: string;
  /** The real image's file bytes (null: the item is text only). */
  image: Uint8Array | null;
  mime: string;
  text: string;
  question?: string;
  answer?: string;
}

export interface GapState {
  items: GapItem[];
  /** Object URLs of the items' images, by id (not persisted). */
  urls: Record<string, string>;
  bad: BadPair[];
  features: FeatureRecord[];
  /** Items done / total while extracting or describing. */
  work: { label: string; done: number; total: number } | null;
  metrics: MetricsJson | null;
  /** Lens shown in the plot. */
  lens: Lens;
  /** The contrastive model measured beside the VLM ('' for none). */
  clipModel: string;
  method: ProjectionMethod;
  seed: number;
  points: ProjectedPoint[];
  /** 0..1 while a projection runs. */
  projecting: number | null;
  hover: { id: string; form: string } | null;
  restored: boolean;
}

export const useGap = create<GapState>()(() => ({
  items: [],
  urls: {},
  bad: [],
  features: [],
  work: null,
  metrics: null,
  lens: 'vlm',
  clipModel: '',
  method: 'pca',
  seed: 1,
  points: [],
  projecting: null,
  hover: null,
  restored: false,
}));

export const setGap = useGap.setState;
export const getGap = useGap.getState;
