import { describe, expect, it } from 'vitest';
import { agreement, answerProbs, compareExport, normaliseAnswer, questionList } from './compare-logic.ts';
import type { CompareRow } from './compare.ts';

describe('compare logic', () => {
  it('splits questions by line, dropping blanks', () => {
    expect(questionList(' What?\n\n  Why? \r\n')).toEqual(['What?', 'Why?']);
  });

  it('gives the mean and the product of token probabilities', () => {
    const p = answerProbs([0.5, 0.25]);
    expect(p.meanProb).toBeCloseTo(0.375);
    expect(p.productProb).toBeCloseTo(0.125);
    expect(answerProbs([])).toEqual({});
  });

  it('marks answers that agree up to case and punctuation', () => {
    expect(normaliseAnswer(' A Cat! ')).toBe('a cat');
    const row: CompareRow = {
      question: 'q',
      answers: {
        real: { text: 'A cat.', streaming: false },
        tpi: { text: 'a cat', streaming: false },
        text: { text: 'A dog', streaming: false },
      },
    };
    expect(agreement(row)).toEqual({ real: ['tpi'], tpi: ['real'], text: [] });
    row.answers.text = { text: 'a cat', streaming: true };
    expect(agreement(row).text).toEqual([]);
    const out = compareExport('m', 'paper', null, 'desc', [row]);
    expect(out.questions[0].answers.real).toMatchObject({ answer: 'A cat.', agrees_with: ['tpi'], mean_prob: null });
  });
});
