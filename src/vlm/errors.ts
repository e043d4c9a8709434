/** Turns the errors of model loading and running into messages a user can act on. */
import { EngineError } from './protocol.ts';

export function classifyLoadError(e: unknown, modelId: string): EngineError {
  if (e instanceof EngineError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/could not locate file|\b404\b|not found|file missing|ModelFileNotFound/i.test(msg)) {
    const file = /"([^"]+)"/.exec(msg)?.[1] ?? /file:?\s*(\S+)/i.exec(msg)?.[1];
    return new EngineError(
      'model-file-missing',
      `A file of model "${modelId}" is missing${file ? ` (${file})` : ''}. Regenerate the local model or pick another one.`,
    );
  }
  if (/failed to fetch|networkerror|load failed|ENOTFOUND|ECONNREFUSED|fetch failed/i.test(msg)) {
    return new EngineError(
      'hub-unreachable',
      `Could not download "${modelId}": the model host cannot be reached. Local models still work offline.`,
    );
  }
  if (/protobuf|parse|invalid model|magic|failed to load model|Unexpected token|JSON/i.test(msg)) {
    return new EngineError('model-corrupt', `A file of model "${modelId}" is damaged and cannot be read: ${short(msg)}`);
  }
  return new EngineError('internal', `Loading "${modelId}" failed: ${short(msg)}`);
}

export function classifyRunError(e: unknown): EngineError {
  if (e instanceof EngineError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/device (was )?lost|device is lost|destroyed|GPUDevice/i.test(msg)) {
    return new EngineError('device-lost', `The GPU device was lost while answering (${short(msg)}).`);
  }
  return new EngineError('internal', `The model failed while answering: ${short(msg)}`);
}

function short(s: string): string {
  const line = s.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
