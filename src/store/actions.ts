/**
 * What the user can do, as plain functions over the store. Worker events (progress, tokens,
 * results, errors) become state here; tokens are flushed at most once per animation frame.
 */
import { checkImageBytes } from '../vlm/image-check.ts';
import { hubReachable } from '../vlm/hub.ts';
import { EngineError, type PixelImage } from '../vlm/protocol.ts';
import { DEFAULT_LOCAL_MODEL_ID, findModel } from '../vlm/registry.ts';
import type { DevicePreference } from '../vlm/dtype.ts';
import { engineClient, setDeviceLostHandler } from './engine.ts';
import { clearAlert, getState, setState, showAlert, type AnswerTurn } from './store.ts';
import { createPicks } from './picks.ts';
import { parseUrlParams } from './url.ts';

const engine = () => engineClient();

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function initApp(search: string): Promise<void> {
  const params = parseUrlParams(search);
  setState({ device: params.device, selectedId: params.modelId ?? getState().selectedId });
  if (params.problems.length) {
    // Say what was wrong with the URL and wait for the user; nothing else overwrites it.
    showAlert(params.problems.join(' '));
    return;
  }
  if (params.modelId) {
    await loadModel();
    return;
  }
  await checkHub();
}

/** For a Hub model, check the Hub first and offer the local models when it is unreachable. */
export async function checkHub(): Promise<void> {
  const entry = findModel(getState().selectedId);
  if (!entry || entry.source !== 'hub') {
    setState({ hubReachable: null });
    return;
  }
  const ok = await hubReachable(entry.id);
  setState({ hubReachable: ok });
  if (!ok) {
    offerLocal(`The Hugging Face Hub cannot be reached, so ${entry.label} cannot be downloaded.`);
  }
}

function offerLocal(why: string): void {
  const local = findModel(DEFAULT_LOCAL_MODEL_ID)!;
  showAlert(`${why} Local models work offline.`, {
    label: `Use ${local.label}`,
    run: () => {
      selectModel(local.id);
      void loadModel();
    },
  });
}

export function selectModel(id: string): void {
  if (!findModel(id)) return;
  setState({ selectedId: id });
  const url = new URL(location.href);
  url.searchParams.set('model', id);
  history.replaceState(null, '', url);
}

export function selectDevice(device: DevicePreference): void {
  setState({ device });
}

export async function loadModel(): Promise<void> {
  const { selectedId, device, status, loaded } = getState();
  if (status === 'loading') return;
  setState({ status: 'loading', progress: null });
  clearAlert();
  try {
    const info = await engine().load({ modelId: selectedId, device }, (progress) => setState({ progress }));
    setState({ status: 'ready', loaded: info, progress: null });
    if (device === 'webgpu' && info.device !== 'webgpu') showAlert(info.reason);
    else if (device === 'auto' && info.device === 'wasm') setState({ notice: info.reason });
    else setState({ notice: null });
  } catch (e) {
    // The previous model (if any) is still loaded in its worker.
    setState({ status: loaded ? 'ready' : 'error', progress: null });
    if (e instanceof EngineError && e.code === 'cancelled') return;
    if (e instanceof EngineError && e.code === 'hub-unreachable') offerLocal(e.message);
    else showAlert(message(e) + (loaded ? ` ${loaded.modelId} is still loaded.` : ''));
  }
}

export function cancelLoad(): void {
  engine().cancelLoad();
  const { loaded } = getState();
  setState({ status: loaded ? 'ready' : 'idle', progress: null });
}

export async function clearModelCache(): Promise<void> {
  try {
    const deleted = await engine().clearCache();
    setState({ notice: deleted ? 'Cached model files were deleted.' : 'There were no cached model files.' });
  } catch (e) {
    showAlert(`Could not clear the cache: ${message(e)}`);
  }
}

const picks = createPicks();

export function pickImage(file: File | Blob, name = (file as File).name ?? 'pasted image', pixels?: PixelImage): Promise<void> {
  return picks.pick((newest) => readPick(file, name, pixels, newest));
}

async function readPick(file: File | Blob, name: string, pixels: PixelImage | undefined, newest: () => boolean): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const check = checkImageBytes(bytes, name);
  if (!check.ok) {
    if (newest()) showAlert(check.message);
    return;
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]));
  } catch {
    if (newest()) showAlert(`"${name}" could not be decoded: the file is damaged or not a ${check.format.toUpperCase()}.`);
    return;
  }
  bitmap.close();
  // Two picks in quick succession: the one made last wins, whichever finished reading first.
  if (!newest()) return;
  // The conversation belongs to the old image: an answer still streaming about it stops.
  if (getState().asking) engine().stop();
  const prev = getState().image;
  if (prev) URL.revokeObjectURL(prev.url);
  const url = URL.createObjectURL(new Blob([bytes], { type: `image/${check.format}` }));
  clearAlert();
  setState({ image: { bytes, pixels, name, url, width: check.width, height: check.height }, turns: [] });
}

export function setQuestion(question: string): void {
  setState({ question });
}

export function newConversation(): void {
  if (getState().asking) return;
  setState({ turns: [] });
}

export async function ask(): Promise<void> {
  if (getState().asking) return;
  // An image picked just before asking is the one asked about.
  await picks.settled();
  const { image, question, turns, asking, status } = getState();
  if (asking) return;
  const q = question.trim();
  if (!q) {
    showAlert('Type a question first.');
    return;
  }
  if (status !== 'ready') {
    showAlert(status === 'loading' ? 'The model is still loading.' : 'Load a model first.');
    return;
  }
  if (!image) {
    showAlert('Drop, paste or pick an image first.');
    return;
  }
  clearAlert();
  const history = turns.filter((t) => !t.streaming).map((t) => ({ question: t.question, answer: t.answer }));
  const index = turns.length;
  setState({ asking: true, question: '', turns: [...turns, { question: q, answer: '', streaming: true }] });
  let pending = '';
  let frame = 0;
  const flush = () => {
    frame = 0;
    const add = pending;
    pending = '';
    if (add) updateTurn(index, (t) => ({ ...t, answer: t.answer + add }));
  };
  try {
    const result = await engine().ask({ image: image.pixels ?? image.bytes, imageName: image.name, history, question: q }, (delta) => {
      pending += delta;
      frame ||= requestAnimationFrame(flush);
    });
    cancelAnimationFrame(frame);
    const meanProb = result.tokenProbs.length ? result.tokenProbs.reduce((a, b) => a + b, 0) / result.tokenProbs.length : undefined;
    updateTurn(index, (t) => ({ ...t, answer: result.text, streaming: false, stats: result.stats, stopReason: result.stopReason, meanProb }));
  } catch (e) {
    cancelAnimationFrame(frame);
    flush();
    if (getState().turns[index]?.answer) {
      // Keep what was streamed before the failure, marked as cut short.
      updateTurn(index, (t) => ({ ...t, streaming: false, stopReason: 'stopped' }));
    } else {
      // Nothing came back: the question goes back into the box, so nothing typed is lost.
      setState((s) => ({ turns: s.turns.filter((_, i) => i !== index), question: s.question || q }));
    }
    // A lost device is reported by onDeviceLost, which also reloads the model.
    if (e instanceof EngineError && e.code === 'device-lost') return;
    showAlert(message(e));
  } finally {
    setState({ asking: false });
  }
}

export function stop(): void {
  if (getState().asking) engine().stop();
}

function updateTurn(index: number, f: (t: AnswerTurn) => AnswerTurn): void {
  setState((s) => ({ turns: s.turns.map((t, i) => (i === index ? f(t) : t)) }));
}

setDeviceLostHandler(onDeviceLost);

function onDeviceLost(msg: string): void {
  const { loaded } = getState();
  setState({ status: 'idle', loaded: null, asking: false });
  showAlert(`${msg} Reloading ${loaded?.modelId ?? 'the model'}; your image and answers are kept.`);
  // Keep the streamed part of an interrupted answer, marked as finished.
  setState((s) => ({ turns: s.turns.map((t) => (t.streaming ? { ...t, streaming: false, stopReason: 'stopped' } : t)) }));
  void loadModel().then(() => {
    if (getState().status === 'ready') showAlert(`${msg} The model was reloaded; you can keep asking.`);
  });
}

/** Test hook (exposed on window in main.tsx): simulates a lost GPU device. */
export async function loseDeviceForTest(): Promise<void> {
  await engine().loseDevice();
}
