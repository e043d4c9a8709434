/** `tpi ask`: one question about an image (or a description as plain text), answered in Node. */
import { readFileSync } from 'node:fs';
import { VlmEngine } from '../vlm/engine.ts';
import { nodeHost } from '../vlm/host-node.ts';
import { withDescription } from '../vlm/prompt.ts';
import { FP32_ONLY } from '../vlm/registry.ts';
import { parseFlags, positiveInt, UsageError } from './args.ts';
import type { Command } from './main.ts';
import { resolveModel } from './node-models.ts';

const HELP = `Usage: tpi ask --model ID|PATH (--image FILE | --text "…") --question "…" [--max-new-tokens N]

  --model ID|PATH       a model id from the registry (e.g. tiny-random-smolvlm) or a model directory
  --image FILE          ask about this image (PNG, JPEG, GIF, WebP, BMP)
  --text "…"            put this description in the prompt as plain text instead of an image
  --question "…"        the question
  --max-new-tokens N    answer length limit (default 128)
  --stats               print timing figures to stderr

Greedy decoding; the answer is printed to stdout.`;

export const askCommand: Command = {
  summary: 'answer a question about an image or a description',
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        model: { type: 'string' },
        image: { type: 'string' },
        text: { type: 'string' },
        question: { type: 'string' },
        'max-new-tokens': { type: 'string' },
        stats: { type: 'boolean' },
      },
      HELP,
    );
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.model) throw new UsageError('--model is required.');
    if (!values.question?.trim()) throw new UsageError('--question is required and must not be empty.');
    if ((values.image === undefined) === (values.text === undefined)) throw new UsageError('Give exactly one of --image or --text.');
    if (values.text !== undefined && !values.text.trim()) throw new UsageError('--text must not be empty.');
    const maxNewTokens = positiveInt('max-new-tokens', values['max-new-tokens'], 128, 2048);
    let image: Uint8Array | null = null;
    if (values.image) {
      try {
        image = new Uint8Array(readFileSync(values.image));
      } catch (e) {
        throw new UsageError(`Cannot read --image ${values.image}: ${(e as NodeJS.ErrnoException).code ?? e}`);
      }
    }
    const { modelId } = resolveModel(values.model);
    const engine = new VlmEngine(nodeHost);
    await engine.load({ modelId, device: 'wasm', dtypes: FP32_ONLY });
    const question = values.text !== undefined ? withDescription(values.text, values.question) : values.question;
    const result = await engine.ask({ image, imageName: values.image, history: [], question, maxNewTokens }, (d) => process.stdout.write(d));
    process.stdout.write('\n');
    if (values.stats) {
      const s = result.stats;
      console.error(
        `image encode ${s.imageEncodeMs.toFixed(0)} ms · first token ${s.ttftMs.toFixed(0)} ms · ${s.tokensPerSecond.toFixed(1)} tokens/s · ${s.newTokens} tokens (${result.stopReason})`,
      );
    }
    return 0;
  },
};
