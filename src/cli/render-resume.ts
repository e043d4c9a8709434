/**
 * `tpi render --resume`: the ids already in DIR/data.jsonl, so that a stopped or killed run
 * can go on where it ended. A last line cut off mid-write (the process was killed) is removed,
 * so that appending leaves a valid file; its record is rendered again. Its records must have
 * been rendered with the settings of the run that resumes them (their `tpi` metadata says so),
 * or the dataset would mix, say, 336 px sans and 512 px serif images.
 */
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { drawAugment, isIdentity } from '../tpi/augment.ts';
import { settingsFor, type RenderChoices } from '../tpi/job.ts';
import type { TpiMeta } from '../tpi/render.ts';
import { UsageError } from './args.ts';

/** How a record's `tpi` metadata differs from what `choices` render ("" when it does not). */
export function settingsCheck(choices: RenderChoices): (id: string, tpi: Partial<TpiMeta> | undefined) => string {
  const { width, height } = settingsFor(choices);
  const augment = choices.augment && !isIdentity(choices.augment) ? choices.augment : null;
  return (id, tpi) => {
    if (typeof tpi !== 'object' || tpi === null) return 'no "tpi" metadata';
    const expected: [string, unknown, unknown][] = [
      ['preset', tpi.preset, choices.preset],
      ['width', tpi.width, width],
      ['height', tpi.height, height],
      ['font', tpi.font, choices.font],
    ];
    const differ = expected.filter(([, had, wants]) => had !== wants).map(([k, had, wants]) => `${k} ${String(had)}, not ${String(wants)}`);
    // The augmentation drawn for this id: another --augment or --seed draws another one.
    const drawn = augment ? drawAugment(augment, choices.seed ?? 0, id, width, height) : undefined;
    if (JSON.stringify(tpi.augment) !== JSON.stringify(drawn)) differ.push(!tpi.augment ? 'no --augment' : drawn ? 'another --augment or --seed' : 'an --augment, not none');
    return differ.join('; ');
  };
}

/**
 * The ids in DIR/data.jsonl; refuses (before anything is changed) a file that is not a
 * dataset, or whose records were rendered with other settings than `choices`.
 */
export function renderedIds(dataPath: string, choices?: RenderChoices): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(dataPath)) return ids;
  const bytes = readFileSync(dataPath);
  const complete = bytes.lastIndexOf(0x0a) + 1; // bytes up to the last whole line
  const differs = choices ? settingsCheck(choices) : () => '';
  let mismatch: UsageError | null = null; // reported once the whole file is known to be a dataset
  const refuse = (line: number, why: string, fix = 'move it away to start over') => new UsageError(`${dataPath}:${line} ${why}: cannot resume from this file (${fix}).`);
  bytes
    .toString('utf8', 0, complete)
    .split('\n')
    .forEach((raw, i) => {
      if (raw.trim() === '') return;
      let record: { id?: unknown; tpi?: Partial<TpiMeta> };
      try {
        record = JSON.parse(raw) as typeof record;
      } catch {
        throw refuse(i + 1, 'is not JSON');
      }
      if (typeof record?.id !== 'string') throw refuse(i + 1, 'has no "id"');
      const differ = mismatch ? '' : differs(record.id, record.tpi);
      if (differ) mismatch = refuse(i + 1, `was rendered with other settings (${differ})`, 'resume with the settings it was made with, or use --overwrite to start over');
      ids.add(record.id);
    });
  if (mismatch) throw mismatch;
  if (complete < bytes.length) truncateSync(dataPath, complete);
  return ids;
}
