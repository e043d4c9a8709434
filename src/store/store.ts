/**
 * The app's state: one zustand store in slices. Actions that talk to the engine live in
 * actions.ts and call setState, so worker events become state in one place.
 */
import { create } from 'zustand';
import type { DevicePreference } from '../vlm/dtype.ts';
import type { AskStats, LoadedModel, LoadProgress, PixelImage, StopReason } from '../vlm/protocol.ts';
import { DEFAULT_MODEL_ID } from '../vlm/registry.ts';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  selectedId: string;
  device: DevicePreference;
  status: ModelStatus;
  progress: LoadProgress | null;
  loaded: LoadedModel | null;
  /** null: not checked (or not needed, for local models). */
  hubReachable: boolean | null;
}

export interface PickedImage {
  /** The file (a printed image: its PNG, for the preview and for saving). */
  bytes: Uint8Array;
  /** A printed image's pixels, which the model gets instead of decoding the PNG. */
  pixels?: PixelImage;
  name: string;
  url: string;
  width: number;
  height: number;
}

export interface AnswerTurn {
  question: string;
  answer: string;
  streaming: boolean;
  stats?: AskStats;
  stopReason?: StopReason;
  /** Mean probability of the answer's tokens. */
  meanProb?: number;
}

export interface AskSlice {
  image: PickedImage | null;
  question: string;
  turns: AnswerTurn[];
  asking: boolean;
}

export interface AlertSlice {
  alert: { message: string; action?: { label: string; run: () => void } } | null;
  notice: string | null;
}

export type AppState = ModelSlice & AskSlice & AlertSlice;

export const useApp = create<AppState>()(() => ({
  selectedId: DEFAULT_MODEL_ID,
  device: 'auto',
  status: 'idle',
  progress: null,
  loaded: null,
  hubReachable: null,
  image: null,
  question: '',
  turns: [],
  asking: false,
  alert: null,
  notice: null,
}));

export const setState = useApp.setState;
export const getState = useApp.getState;

export function showAlert(message: string, action?: { label: string; run: () => void }): void {
  setState({ alert: { message, action } });
}

export function clearAlert(): void {
  setState({ alert: null });
}
