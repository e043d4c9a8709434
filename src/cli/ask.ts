/** `tpi ask`: one question about an image (or a description, printed or as plain text), answered in Node. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VlmEngine } from '../vlm/engine.ts';
import { nodeHost } from '../vlm/host-node.ts';
import { withDescription } from '../vlm/prompt.ts';
import type { ImageInput } from '../vlm/protocol.ts';
import { FP32_ONLY } from '../vlm/registry.ts';
import { parseFlags, positiveInt, UsageError } from './args.ts';
import type { Command } from './main.ts';
import { resolveModel } from './node-models.ts';

const HELP = `Usage: tpi ask --model ID|PATH [--adapter DIR] (--image FILE | --tpi "…" | --text "…") --question "…" [--max-new-tokens N]

  --model ID|PATH       a model id from the registry (e.g. tiny-random-smolvlm) or a model directory
  --adapter DIR         apply a PEFT LoRA adapter (from tpi train or PEFT); decodes with the trainer's
                        engine (WebGPU through Dawn, or the CPU)
  --image FILE          ask about this image (PNG, JPEG, GIF, WebP, BMP)
  --tpi "…"             print this description as an image (paper preset: 336×336, ≤32 px) and ask about it
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
        tpi: { type: 'string' },
        question: { type: 'string' },
        'max-new-tokens': { type: 'string' },
        stats: { type: 'boolean' },
        adapter: { type: 'string' },
      },
      HELP,
    );
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.model) throw new UsageError('--model is required.');
    if (!values.question?.trim()) throw new UsageError('--question is required and must not be empty.');
    if ([values.image, values.tpi, values.text].filter((v) => v !== undefined).length !== 1) throw new UsageError('Give exactly one of --image, --tpi or --text.');
    if (values.text !== undefined && !values.text.trim()) throw new UsageError('--text must not be empty.');
    if (values.tpi !== undefined && !values.tpi.trim()) throw new UsageError('--tpi must not be empty.');
    const maxNewTokens = positiveInt('max-new-tokens', values['max-new-tokens'], 128, 2048);
    let image: ImageInput | null = null;
    if (values.image) {
      try {
        image = new Uint8Array(readFileSync(values.image));
      } catch (e) {
        throw new UsageError(`Cannot read --image ${values.image}: ${(e as NodeJS.ErrnoException).code ?? e}`);
      }
    }
    if (values.tpi !== undefined) image = await (await import('../train/tpi-node.ts')).printTpi('ask', values.tpi);
    const { modelId, source } = resolveModel(values.model);
    if (values.adapter !== undefined) {
      if (!existsSync(join(values.adapter, 'adapter_config.json'))) throw new UsageError(`--adapter ${values.adapter} is not a PEFT adapter folder (no adapter_config.json).`);
      const { answerWithAdapter } = await import('../train/adapter-ask.ts');
      const { rerunWithDawnEnv } = await import('../gpu/node.ts');
      const status = rerunWithDawnEnv();
      if (status !== null) return status;
      await answerWithAdapter({
        modelId, source, adapterDir: values.adapter, question: values.question, image, text: values.text, maxNewTokens, device: 'auto',
        onText: (d) => process.stdout.write(d),
        note: (line) => values.stats && console.error(line),
      });
      process.stdout.write('\n');
      return 0;
    }
    const engine = new VlmEngine(nodeHost);
    await engine.load({ modelId, device: 'wasm', dtypes: FP32_ONLY });
    const question = values.text !== undefined ? withDescription(values.text, values.question) : values.question;
    const result = await engine.ask({ image, imageName: values.image ?? (values.tpi !== undefined ? 'printed text' : undefined), history: [], question, maxNewTokens }, (d) => process.stdout.write(d));
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
