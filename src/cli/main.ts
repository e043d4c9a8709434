/**
 * `tpi <command> [flags]`: batch work in Node with the same engine code as the page.
 * Each command lives in its own module and is loaded only when asked for.
 */
import { UsageError } from './args.ts';

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  ask: async () => (await import('./ask.ts')).askCommand,
  train: async () => (await import('./train.ts')).trainCommand,
  render: async () => (await import('./render.ts')).renderCommand,
  gap: async () => (await import('./gap.ts')).gapCommand,
};

export function usage(): string {
  return [
    'Usage: tpi <command> [flags]',
    '',
    'Commands:',
    ...Object.keys(COMMANDS).map((c) => `  ${c}`),
    '',
    'Run `tpi <command> --help` for the flags of a command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`tpi: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (e) {
    console.error(`tpi ${name}: ${e instanceof Error ? e.message : String(e)}`);
    // Exit status 2: the command line was wrong; 1: the work failed.
    return e instanceof UsageError ? 2 : 1;
  }
}
