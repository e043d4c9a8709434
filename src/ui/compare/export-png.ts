// The comparison as one PNG for slides: the three inputs on top, then each question with the
// three answers side by side. Drawn on a canvas with fillText (never as HTML).
import { agreement } from '../../store/compare-logic.ts';
import { COMPARE_FORMS, FORM_LABELS, type CompareState } from '../../store/compare.ts';

const W = 1600;
const COL = (W - 80) / 3;
const COLOURS = { real: '#1f5fbf', tpi: '#d35400', text: '#15803d' } as const;
const FONT = 'system-ui, "Noto Sans", sans-serif';

function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/(\s+)/)) {
      const next = line + word;
      if (ctx.measureText(next).width <= width) line = next;
      else if (ctx.measureText(word).width <= width) {
        if (line.trim()) lines.push(line.trim());
        line = word.trimStart();
      } else {
        // A word wider than the column is cut where it reaches the edge.
        for (const ch of word) {
          if (ctx.measureText(line + ch).width > width && line) {
            lines.push(line.trim());
            line = '';
          }
          line += ch;
        }
      }
    }
    lines.push(line.trim());
  }
  return lines;
}

async function bitmap(url: string | undefined): Promise<ImageBitmap | null> {
  if (!url) return null;
  try {
    return await createImageBitmap(await (await fetch(url)).blob());
  } catch {
    return null;
  }
}

export async function comparisonPng(s: CompareState, model: string): Promise<Blob> {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d')!;
  const draw = (pass: 'measure' | 'paint', imgs: (ImageBitmap | null)[]): number => {
    let y = 60;
    const paint = pass === 'paint';
    if (paint) {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = '#1b1f24';
      ctx.font = `bold 34px ${FONT}`;
      ctx.fillText(`Real image vs printed image vs text — ${model}`, 40, y);
    }
    y += 30;
    const boxH = 300;
    COMPARE_FORMS.forEach((f, c) => {
      const x = 40 + c * COL;
      if (!paint) return;
      ctx.font = `bold 26px ${FONT}`;
      ctx.fillStyle = COLOURS[f];
      ctx.fillText(FORM_LABELS[f], x, y + 26);
      const img = imgs[c];
      if (img) {
        const k = Math.min((COL - 30) / img.width, (boxH - 50) / img.height);
        ctx.drawImage(img, x, y + 40, img.width * k, img.height * k);
        ctx.strokeStyle = '#d9dde3';
        ctx.strokeRect(x, y + 40, img.width * k, img.height * k);
      } else {
        ctx.font = `20px ${FONT}`;
        ctx.fillStyle = '#1b1f24';
        wrap(ctx, s.description, COL - 30).slice(0, 10).forEach((l, i) => ctx.fillText(l, x, y + 70 + i * 25));
      }
    });
    y += boxH + 20;
    for (const row of s.rows) {
      ctx.font = `bold 26px ${FONT}`;
      const qLines = wrap(ctx, `Q: ${row.question}`, W - 80);
      if (paint) {
        ctx.fillStyle = '#1b1f24';
        qLines.forEach((l, i) => ctx.fillText(l, 40, y + 28 + i * 32));
      }
      y += qLines.length * 32 + 12;
      const agree = agreement(row);
      let tallest = 0;
      COMPARE_FORMS.forEach((f, c) => {
        const a = row.answers[f];
        ctx.font = `24px ${FONT}`;
        const lines = wrap(ctx, a?.error ? `(${a.error})` : (a?.text ?? ''), COL - 30);
        const p = a?.meanProb !== undefined ? `mean p ${(a.meanProb * 100).toFixed(1)} %` : '';
        const t = a?.stats ? `${Math.round(a.stats.totalMs)} ms` : '';
        const mark = agree[f].length ? '✓ agrees' : '';
        if (paint) {
          ctx.fillStyle = '#1b1f24';
          lines.forEach((l, i) => ctx.fillText(l, 40 + c * COL, y + 26 + i * 30));
          ctx.font = `18px ${FONT}`;
          ctx.fillStyle = agree[f].length ? '#1d7a36' : '#5b6470';
          ctx.fillText([t, p, mark].filter(Boolean).join(' · '), 40 + c * COL, y + 26 + lines.length * 30 + 4);
        }
        tallest = Math.max(tallest, lines.length * 30 + 40);
      });
      y += tallest + 20;
    }
    return y + 20;
  };
  const imgs = [await bitmap(s.image?.url), await bitmap(s.printed?.url), null];
  canvas.width = W;
  canvas.height = 100;
  canvas.height = draw('measure', imgs);
  draw('paint', imgs);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG export failed'))), 'image/png'));
}

export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
