/** Flag parsing for the CLI commands: strict (unknown flags are errors) with clear messages. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--seed -1` as `--seed=-1`: a negative number after a flag that takes a value is that value,
 * so that the flag's own check says what is wrong with it (parseArgs would call it ambiguous).
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([^=]+)$/.exec(argv[i])?.[1];
    if (name !== undefined && options[name]?.type === 'string' && /^-(?:\d|\.\d)/.test(argv[i + 1] ?? '')) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

export function parseFlags<O extends Options>(argv: string[], options: O, help: string) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n\n${help}`);
  }
}

export function positiveInt(name: string, raw: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  return intFlag(name, raw, fallback, 1, max);
}

/** An integer flag in [min, max]; `why` explains the limits in the message. */
export function intFlag(name: string, raw: string | undefined, fallback: number, min: number, max: number, why = ''): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}${why}, got "${raw}".`);
  return n;
}
