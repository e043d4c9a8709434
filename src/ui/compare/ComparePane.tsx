import { useCompare, FORM_LABELS, type CompareForm } from '../../store/compare.ts';
import { agreement } from '../../store/compare-logic.ts';
import { formatMs } from '../common/format.ts';

const pct = (p: number | undefined) => (p === undefined ? '–' : p >= 0.001 ? `${(p * 100).toFixed(1)} %` : p.toExponential(1));

/** What the model was given in this form: the real image, the printed image or the text. */
function Input({ form }: { form: CompareForm }) {
  const image = useCompare((s) => s.image);
  const printed = useCompare((s) => s.printed);
  const description = useCompare((s) => s.description);
  if (form === 'real') return image ? <img className="compare-media" src={image.url} alt={`Real image: ${image.name}`} /> : <p className="hint">No image yet.</p>;
  if (form === 'tpi')
    return printed ? (
      <img className="compare-media tpi" src={printed.url} alt="Printed image of the description" />
    ) : (
      <p className="hint">The description is printed when you compare.</p>
    );
  return description ? <p className="compare-text">{description}</p> : <p className="hint">No description yet.</p>;
}

/** One form's column: its input, then its answer to every question. */
export function ComparePane({ form }: { form: CompareForm }) {
  const rows = useCompare((s) => s.rows);
  return (
    <section className="compare-pane" aria-label={FORM_LABELS[form]} data-form={form}>
      <h2>{FORM_LABELS[form]}</h2>
      <div className="compare-input">
        <Input form={form} />
      </div>
      <ol className="compare-answers">
        {rows.map((row, i) => {
          const a = row.answers[form];
          const agrees = agreement(row)[form];
          return (
            <li key={i} className="compare-answer" data-testid="compare-answer" data-form={form} data-streaming={a ? String(a.streaming) : 'waiting'}>
              <p className="question">{row.question}</p>
              {a?.error ? (
                <p className="error-text">{a.error}</p>
              ) : (
                <p className="answer" data-testid="answer-text">
                  {a?.text ?? ''}
                  {a?.streaming && <span className="cursor" aria-hidden="true">▍</span>}
                </p>
              )}
              {a && !a.streaming && !a.error && (
                <p className="stats" data-testid="answer-stats">
                  <span>{a.stats ? formatMs(a.stats.totalMs) : '–'}</span>
                  {a.stats && form !== 'text' && <span>{a.stats.imageCached ? 'image: cached' : `image encode ${formatMs(a.stats.imageEncodeMs)}`}</span>}
                  <span title="Mean of the answer tokens' probabilities">mean p {pct(a.meanProb)}</span>
                  <span title="Product of the answer tokens' probabilities: the whole answer's probability">answer p {pct(a.productProb)}</span>
                </p>
              )}
              {agrees.length > 0 && (
                <p className="agrees" data-testid="agrees">
                  ✓ agrees with {agrees.map((f) => FORM_LABELS[f]).join(' and ')}
                </p>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
