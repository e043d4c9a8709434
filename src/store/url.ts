/** URL parameters of the app: `?model=ID` and `?device=auto|webgpu|wasm`. */
import { parseDevicePreference, type DevicePreference } from '../vlm/dtype.ts';
import { checkModelId } from '../vlm/registry.ts';

export interface UrlParams {
  modelId: string | null;
  device: DevicePreference;
  /** Messages for parameters that were given but are invalid; they are ignored. */
  problems: string[];
}

export function parseUrlParams(search: string): UrlParams {
  const q = new URLSearchParams(search);
  const problems: string[] = [];
  let modelId: string | null = null;
  if (q.has('model')) {
    const c = checkModelId(q.get('model'));
    if (c.ok) modelId = c.entry.id;
    else problems.push(`?model: ${c.message}`);
  }
  let device = parseDevicePreference(q.get('device'));
  if (device === null) {
    problems.push(`?device: "${(q.get('device') ?? '').slice(0, 40)}" is not one of auto, webgpu, wasm; using auto.`);
    device = 'auto';
  }
  return { modelId, device, problems };
}
