/**
 * What the user does in Compare: pick the real image, write or generate the description, print
 * it, and ask every question of the three forms in turn (the engine answers one request at a
 * time; the real image's features are cached by the engine, so later questions reuse them).
 */
import { DEFAULT_FONT } from '../tpi/fonts.ts';
import { jobFor, type RenderChoices } from '../tpi/job.ts';
import { renderPool } from '../tpi/render-client.ts';
import { checkImageBytes } from '../vlm/image-check.ts';
import { withDescription } from '../vlm/prompt.ts';
import { EngineError, type AskRequest, type PixelImage } from '../vlm/protocol.ts';
import { getCompare, setCompare, DESCRIBE_PROMPT, type CompareForm, type ComparePreset, type FormAnswer } from './compare.ts';
import { finishedAnswer, questionList } from './compare-logic.ts';
import { createPicks } from './picks.ts';
import { engineClient } from './engine.ts';
import { nativeSize } from './model-size.ts';
import { clearAlert, getState as getApp, showAlert } from './store.ts';

const engine = () => engineClient();
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

const picks = createPicks();

export function pickCompareImage(file: Blob, name = (file as File).name ?? 'image'): Promise<void> {
  return picks.pick(async (newest) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (!newest()) return;
    const check = checkImageBytes(bytes, name);
    if (!check.ok) return showAlert(check.message);
    // The rows are answers about the old image: a run or a description in progress stops.
    stopCompare();
    const prev = getCompare().image;
    if (prev) URL.revokeObjectURL(prev.url);
    const url = URL.createObjectURL(new Blob([bytes], { type: `image/${check.format}` }));
    clearAlert();
    setCompare({ image: { bytes, name, url, width: check.width, height: check.height }, rows: [] });
  });
}

export const setDescription = (description: string) => setCompare({ description });
export const setQuestions = (questions: string) => setCompare({ questions });
export const setPreset = (preset: ComparePreset) => setCompare({ preset });
export const setCustomSize = (customSize: number) => setCompare({ customSize });

function ready(): boolean {
  const { status } = getApp();
  if (status === 'ready') return true;
  showAlert(status === 'loading' ? 'The model is still loading.' : 'Load a model first.');
  return false;
}

/** Streams `req` into `onText`, at most once per animation frame. */
async function stream(req: AskRequest, onText: (text: string) => void) {
  let text = '';
  let frame = 0;
  try {
    return await engine().ask(req, (d) => {
      text += d;
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        onText(text);
      });
    });
  } finally {
    cancelAnimationFrame(frame);
  }
}

/** The model writes the description from the real image; it stays editable. */
export async function describe(): Promise<void> {
  await picks.settled();
  const { image, describing, running } = getCompare();
  if (describing || running || !ready()) return;
  if (!image) return showAlert('Choose a real image first.');
  setCompare({ describing: true, description: '' });
  try {
    const r = await stream({ image: image.bytes, imageName: image.name, history: [], question: DESCRIBE_PROMPT, maxNewTokens: 96 }, (description) => setCompare({ description }));
    setCompare({ description: r.text.trim() });
  } catch (e) {
    if (!(e instanceof EngineError && e.code === 'cancelled')) showAlert(message(e));
  } finally {
    setCompare({ describing: false });
  }
}

function choices(): RenderChoices {
  const { preset, customSize } = getCompare();
  const size = preset === 'native' ? nativeSize(getApp().selectedId) : preset === 'custom' ? customSize : undefined;
  return { preset, font: DEFAULT_FONT, size };
}

/** The printed image of the description under the chosen preset (kept until either changes). */
export async function printDescription(): Promise<PixelImage> {
  const { description, preset, customSize, printed } = getCompare();
  const key = JSON.stringify([description, preset, customSize, getApp().selectedId]);
  if (printed?.key === key) return printed.pixels;
  // The PNG is for the pane and the export; the model gets the pixels.
  const r = await renderPool().render(jobFor('compare', description, choices()), { png: true, pixels: true });
  if (!r.png || !r.pixels) throw new Error('The renderer returned no image.');
  if (printed) URL.revokeObjectURL(printed.url);
  const url = URL.createObjectURL(new Blob([r.png as BlobPart], { type: 'image/png' }));
  const pixels: PixelImage = { kind: 'pixels', width: r.meta.width, height: r.meta.height, rgba: r.pixels };
  setCompare({ printed: { png: r.png, pixels, url, meta: r.meta, key } });
  return pixels;
}

function setAnswer(row: number, form: CompareForm, a: FormAnswer): void {
  setCompare((s) => ({ rows: s.rows.map((r, i) => (i === row ? { ...r, answers: { ...r.answers, [form]: a } } : r)) }));
}

let stopped = false;

export async function runCompare(): Promise<void> {
  await picks.settled();
  const { image, description, questions, running, describing } = getCompare();
  if (running || describing || !ready()) return;
  const qs = questionList(questions);
  if (!image) return showAlert('Choose a real image first.');
  if (!description.trim()) return showAlert('Type a description, or let the model write one.');
  if (!qs.length) return showAlert('Type at least one question.');
  clearAlert();
  stopped = false;
  setCompare({ running: true, rows: qs.map((question) => ({ question, answers: {} })) });
  try {
    const tpi = await printDescription();
    for (const [row, q] of qs.entries()) {
      const reqs: Record<CompareForm, AskRequest> = {
        real: { image: image.bytes, imageName: image.name, history: [], question: q },
        tpi: { image: tpi, imageName: 'printed description', history: [], question: q },
        text: { image: null, history: [], question: withDescription(description, q) },
      };
      for (const form of ['real', 'tpi', 'text'] as const) {
        if (stopped) return;
        setAnswer(row, form, { text: '', streaming: true });
        try {
          const r = await stream(reqs[form], (text) => setAnswer(row, form, { text, streaming: true }));
          setAnswer(row, form, finishedAnswer(r));
        } catch (e) {
          setAnswer(row, form, { text: '', streaming: false, error: message(e) });
          if (e instanceof EngineError && (e.code === 'device-lost' || e.code === 'no-model')) throw e;
        }
      }
    }
  } catch (e) {
    showAlert(message(e));
  } finally {
    setCompare({ running: false });
  }
}

export function stopCompare(): void {
  stopped = true;
  if (getCompare().running || getCompare().describing) engine().stop();
}
