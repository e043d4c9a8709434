/** Pure helpers of the Compare view: questions, answer probabilities, agreement, the JSON export. */
import type { AskResult } from '../vlm/protocol.ts';
import { COMPARE_FORMS, type CompareForm, type CompareRow, type FormAnswer } from './compare.ts';

export function questionList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((q) => q.trim())
    .filter(Boolean);
}

/** Mean and product of the per-token probabilities (undefined for an empty answer). */
export function answerProbs(tokenProbs: readonly number[]): { meanProb?: number; productProb?: number } {
  if (!tokenProbs.length) return {};
  let sum = 0;
  let logSum = 0;
  for (const p of tokenProbs) {
    sum += p;
    logSum += Math.log(Math.max(p, 1e-300));
  }
  return { meanProb: sum / tokenProbs.length, productProb: Math.exp(logSum) };
}

export function finishedAnswer(r: AskResult): FormAnswer {
  return { text: r.text, streaming: false, stats: r.stats, stopReason: r.stopReason, ...answerProbs(r.tokenProbs) };
}

/** Case, punctuation and spacing do not make answers differ. */
export function normaliseAnswer(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** For each form, the other forms whose finished, non-empty answer is the same. */
export function agreement(row: CompareRow): Record<CompareForm, CompareForm[]> {
  const norm = {} as Record<CompareForm, string | null>;
  for (const f of COMPARE_FORMS) {
    const a = row.answers[f];
    norm[f] = a && !a.streaming && !a.error && normaliseAnswer(a.text) ? normaliseAnswer(a.text) : null;
  }
  const out = {} as Record<CompareForm, CompareForm[]>;
  for (const f of COMPARE_FORMS) out[f] = COMPARE_FORMS.filter((g) => g !== f && norm[f] !== null && norm[f] === norm[g]);
  return out;
}

export interface CompareExport {
  model: string | null;
  preset: string;
  tpi: unknown;
  description: string;
  probability: string;
  questions: {
    question: string;
    answers: Partial<Record<CompareForm, { answer: string; mean_prob: number | null; product_prob: number | null; total_ms: number | null; ttft_ms: number | null; agrees_with: CompareForm[] }>>;
  }[];
}

export function compareExport(model: string | null, preset: string, tpi: unknown, description: string, rows: readonly CompareRow[]): CompareExport {
  return {
    model,
    preset,
    tpi,
    description,
    probability: 'mean_prob: mean of the answer tokens\u2019 probabilities; product_prob: their product (greedy decoding)',
    questions: rows.map((row) => {
      const agree = agreement(row);
      const answers: CompareExport['questions'][number]['answers'] = {};
      for (const f of COMPARE_FORMS) {
        const a = row.answers[f];
        if (!a) continue;
        answers[f] = {
          answer: a.text,
          mean_prob: a.meanProb ?? null,
          product_prob: a.productProb ?? null,
          total_ms: a.stats?.totalMs ?? null,
          ttft_ms: a.stats?.ttftMs ?? null,
          agrees_with: agree[f],
        };
      }
      return { question: row.question, answers };
    }),
  };
}
