import { PAIRS, type GapMetrics } from '../../gap/metrics.ts';
import { useGap } from '../../store/gap.ts';

const NAMES: Record<keyof GapMetrics, string> = {
  centroid_gap: 'Centroid gap (0 = same place)',
  paired_cosine: 'Paired cosine',
  linear_cka: 'Linear CKA',
  retrieval_top1: 'Retrieval top-1',
};

/** The four metrics for the three pairs of forms, per lens. */
export function MetricsTable() {
  const metrics = useGap((s) => s.metrics);
  if (!metrics) return null;
  return (
    <>
      {Object.entries(metrics).map(([lens, m]) => (
        <table key={lens} className="gap-metrics" data-testid="gap-metrics">
          <caption>Metrics, {lens === 'vlm' ? 'VLM lens' : 'contrastive lens'}</caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              {PAIRS.map(([k]) => (
                <th key={k} scope="col">
                  {k}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(Object.keys(NAMES) as (keyof GapMetrics)[]).map((name) => (
              <tr key={name}>
                <th scope="row">{NAMES[name]}</th>
                {PAIRS.map(([k]) => (
                  <td key={k}>{m![name][k] === null ? '–' : m![name][k]!.toFixed(3)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}
