/**
 * The Compare view's state: one real image, its description (printed as a TPI and given as
 * plain text), the questions, and one answer per question per form. Its own small store, so
 * streaming here never re-renders the other views.
 */
import { create } from 'zustand';
import type { TpiMeta } from '../tpi/render.ts';
import type { AskStats, PixelImage, StopReason } from '../vlm/protocol.ts';
import type { PickedImage } from './store.ts';

export type CompareForm = 'real' | 'tpi' | 'text';
export const COMPARE_FORMS: readonly CompareForm[] = ['real', 'tpi', 'text'];
export const FORM_LABELS: Record<CompareForm, string> = { real: 'Real image', tpi: 'Printed image', text: 'Text only' };

export type ComparePreset = 'paper' | 'native' | 'custom';

export interface FormAnswer {
  text: string;
  streaming: boolean;
  stats?: AskStats;
  stopReason?: StopReason;
  /** Mean of the answer tokens' probabilities. */
  meanProb?: number;
  /** Product of the answer tokens' probabilities: the probability of the whole answer. */
  productProb?: number;
  error?: string;
}

export interface CompareRow {
  question: string;
  answers: Partial<Record<CompareForm, FormAnswer>>;
}

export interface PrintedImage {
  png: Uint8Array;
  /** What the model gets: the same image, undecoded. */
  pixels: PixelImage;
  url: string;
  meta: TpiMeta;
  /** The description and preset it was printed from. */
  key: string;
}

export interface CompareState {
  image: PickedImage | null;
  description: string;
  describing: boolean;
  /** One question per line. */
  questions: string;
  preset: ComparePreset;
  /** Canvas side of the custom preset. */
  customSize: number;
  printed: PrintedImage | null;
  rows: CompareRow[];
  running: boolean;
}

export const DESCRIBE_PROMPT = 'Describe this image.';

export const useCompare = create<CompareState>()(() => ({
  image: null,
  description: '',
  describing: false,
  questions: 'What is the main object in this image?',
  preset: 'paper',
  customSize: 448,
  printed: null,
  rows: [],
  running: false,
}));

export const setCompare = useCompare.setState;

/** The typed parts (description, questions, preset) survive a reload. */
const DRAFT_KEY = 'tpi-compare-draft';
try {
  const d = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null') as Partial<CompareState> | null;
  if (d) useCompare.setState({ description: String(d.description ?? ''), questions: String(d.questions ?? ''), preset: (['paper', 'native', 'custom'] as const).find((p) => p === d.preset) ?? 'paper', customSize: Number(d.customSize) || 448 });
  useCompare.subscribe((s, prev) => {
    if (s.description !== prev.description || s.questions !== prev.questions || s.preset !== prev.preset || s.customSize !== prev.customSize) {
      localStorage.setItem(DRAFT_KEY, JSON.stringify({ description: s.description, questions: s.questions, preset: s.preset, customSize: s.customSize }));
    }
  });
} catch {
  /* no localStorage (Node, private mode): nothing kept */
}
export const getCompare = useCompare.getState;
