/**
 * The engine's interface and the typed protocol between the page and the engine worker.
 * Requests carry an id; the worker answers with progress/token events and exactly one
 * `result` or `error` for that id.
 */
import type { Device, DevicePreference, DtypeMap, DtypePlan } from './dtype.ts';
import type { Turn } from './prompt.ts';
import type { Example, InputKind, TrainRecord } from '../train/examples.ts';

export interface LoadRequest {
  modelId: string;
  device: DevicePreference;
  /** For a model outside the registry (a directory given to the CLI): its ONNX dtypes. */
  dtypes?: DtypePlan;
}

export interface LoadedModel {
  modelId: string;
  device: Device;
  dtypes: DtypeMap;
  /** Why this device was chosen, for the status line. */
  reason: string;
  adapterInfo?: string;
  loadMs: number;
  /** Where the decoder's key/value cache lives: 'gpu-buffer' proves WebGPU ran. */
  kvLocation: string;
}

export interface FileProgress {
  loaded: number;
  total: number;
  done: boolean;
}

export interface LoadProgress {
  files: Record<string, FileProgress>;
  loaded: number;
  total: number;
}

/**
 * Decoded pixels, handed straight to the model's preprocessing: a printed image comes from the
 * renderer this way, with no PNG encode and decode in between.
 */
export interface PixelImage {
  kind: 'pixels';
  width: number;
  height: number;
  /** Row-major RGBA, width × height × 4 bytes. */
  rgba: Uint8ClampedArray;
}

/** An image file's bytes (checked and decoded by the engine) or decoded pixels. */
export type ImageInput = Uint8Array | PixelImage;

export interface AskRequest {
  /** The image; null asks about no image (plain text prompt). */
  image: ImageInput | null;
  imageName?: string;
  /** Earlier questions and answers about the same image, oldest first. */
  history: Turn[];
  question: string;
  maxNewTokens?: number;
  /** 0 (default) is greedy decoding. */
  temperature?: number;
  seed?: number;
}

export interface AskStats {
  /** The vision encoder's run. */
  imageEncodeMs: number;
  /** Decoding the file, resizing, tiling and normalising the pixels. */
  imagePrepMs: number;
  /** The image's features came from the cache (no re-encoding). */
  imageCached: boolean;
  /** Prompt tokens whose keys/values were reused from the previous turn. */
  reusedTokens: number;
  promptTokens: number;
  newTokens: number;
  ttftMs: number;
  tokensPerSecond: number;
  totalMs: number;
  device: Device;
  dtype: string;
}

export type StopReason = 'eos' | 'max-tokens' | 'stopped';

export interface AskResult {
  text: string;
  stopReason: StopReason;
  stats: AskStats;
  /** Probability of each generated token under the model. */
  tokenProbs: number[];
}

export type FeaturesRequest =
  | { kind: 'image'; image: ImageInput; imageName?: string; perToken?: boolean }
  | { kind: 'text'; text: string; perToken?: boolean };

export interface FeaturesResult {
  /** Mean over the image's tokens (vision encoder output) or the text's token embeddings. */
  pooled: Float32Array;
  /** Row-major [count, dim], when asked for. */
  tokens?: Float32Array;
  count: number;
  dim: number;
  /** An image's tiles (rows × cols per image, as the chat template expands them). */
  grids?: { rows: number; cols: number }[];
}

/** The contrastive lens (a CLIP-style model) runs in the engine worker too: one ONNX Runtime. */
export type LensFeaturesRequest = { model: string; source: 'local' | 'hub' } & (
  | { kind: 'image'; image: ImageInput; imageName?: string }
  | { kind: 'text'; text: string }
);

/** Training records made into examples with the loaded model (for the training worker). */
export interface TrainingExamplesRequest {
  records: TrainRecord[];
  input: InputKind;
}

export interface TrainingExamples {
  examples: Example[];
  /** ids that end an answer (<end_of_utterance>) */
  eos: number[];
}

export type EngineErrorCode =
  | 'unknown-model'
  | 'model-file-missing'
  | 'model-corrupt'
  | 'hub-unreachable'
  | 'bad-image'
  | 'bad-question'
  | 'no-model'
  | 'busy'
  | 'device-lost'
  | 'cancelled'
  | 'internal';

export interface EngineErrorInfo {
  code: EngineErrorCode;
  message: string;
}

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
  toInfo(): EngineErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** One engine interface: the in-process engine (Node, tests) and the worker client (page). */
export interface VlmEngineApi {
  load(req: LoadRequest, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel>;
  ask(req: AskRequest, onToken?: (delta: string) => void): Promise<AskResult>;
  features(req: FeaturesRequest): Promise<FeaturesResult>;
  /** Stops the answer being generated, if any; the partial answer is returned by `ask`. */
  stop(): void;
}

// ---- page → worker ----
export type WorkerRequest =
  | { id: number; type: 'load'; req: LoadRequest }
  | { id: number; type: 'ask'; req: AskRequest }
  | { id: number; type: 'features'; req: FeaturesRequest }
  | { id: number; type: 'lens-features'; req: LensFeaturesRequest }
  | { id: number; type: 'training-examples'; req: TrainingExamplesRequest }
  | { id: number; type: 'decode-answer'; ids: number[] }
  | { id: number; type: 'stop' }
  | { id: number; type: 'clear-cache' }
  | { id: number; type: 'lose-device' };

export type RequestType = WorkerRequest['type'];

/** What a request resolves to. */
export interface ResultTypes {
  load: LoadedModel;
  ask: AskResult;
  features: FeaturesResult;
  'lens-features': { pooled: Float32Array };
  'training-examples': TrainingExamples;
  /** the answer's text as the engine shows it */
  'decode-answer': string;
  stop: null;
  'clear-cache': { deleted: boolean };
  'lose-device': null;
}

// ---- worker → page ----
export type WorkerEvent =
  | { id: number; type: 'progress'; progress: LoadProgress }
  | { id: number; type: 'token'; delta: string }
  | { id: number; type: 'result'; value: ResultTypes[RequestType] }
  | { id: number; type: 'error'; error: EngineErrorInfo }
  /** Not tied to a request: the GPU device went away; the worker is no longer usable. */
  | { id: -1; type: 'device-lost'; message: string };

export function assertNever(x: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(x)}`);
}
