import { useEffect, useRef } from 'react';
import { featuresJson, metricsCsv, projectionCsv } from '../../gap/export.ts';
import { PROJECTION_METHODS, type ProjectionMethod } from '../../gap/projection.ts';
import { CONTRASTIVE_MODELS } from '../../gap/contrastive-models.ts';
import { cancelWork, describeMissing, loadFeatures, measureGap, restoreGap, setClipModel, setProjection } from '../../store/gap-actions.ts';
import { getGap, useGap } from '../../store/gap.ts';
import type { Lens } from '../../gap/types.ts';
import { showAlert } from '../../store/store.ts';
import { downloadPng, downloadSvg, downloadText } from './export.ts';
import { ItemsPanel } from './ItemsPanel.tsx';
import { MetricsTable } from './MetricsTable.tsx';
import { FORM_NAMES, Scatter } from './Scatter.tsx';
import { FileButton } from '../common/FileButton.tsx';

const METHOD_LABELS: Record<ProjectionMethod, string> = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP' };

/** What the hovered point stands for: its image and description, as text. */
function HoverCard() {
  const hover = useGap((s) => s.hover);
  const item = useGap((s) => s.items.find((i) => i.id === s.hover?.id));
  const url = useGap((s) => (s.hover ? s.urls[s.hover.id] : undefined));
  if (!hover) return <p className="hint gap-hover">Point at a dot (or Tab into the plot and use the arrow keys) to see its item.</p>;
  return (
    <div className="gap-hover" data-testid="gap-hover">
      {url && <img src={url} alt="" />}
      <p>
        <strong>{hover.id}</strong> · {FORM_NAMES[hover.form as keyof typeof FORM_NAMES]}
      </p>
      {item && <p className="compare-text">{item.text}</p>}
    </div>
  );
}

/** Gap: features of many items as real image, printed image and text; metrics; a projection. */
export function GapView() {
  const svg = useRef<SVGSVGElement>(null);
  const work = useGap((s) => s.work);
  const method = useGap((s) => s.method);
  const seed = useGap((s) => s.seed);
  const projecting = useGap((s) => s.projecting);
  const hasPoints = useGap((s) => s.points.length > 0);
  const pointCount = useGap((s) => s.features.filter((f) => f.lens === s.lens).length);
  const count = useGap((s) => s.items.length);
  const lens = useGap((s) => s.lens);
  const clipModel = useGap((s) => s.clipModel);
  const lenses = useGap((s) => Object.keys(s.metrics ?? {}).join(','));
  useEffect(() => void restoreGap(), []);
  const title = `${METHOD_LABELS[method]} of the ${lens === 'vlm' ? "VLM's" : 'contrastive'} features (seed ${seed})`;
  const withSvg = (f: (el: SVGSVGElement) => unknown) => () => {
    if (svg.current) Promise.resolve(f(svg.current)).catch((e) => showAlert(String(e)));
  };
  return (
    <div className="gap-view">
      <ItemsPanel />
      <div className="gap-main">
        <div className="row">
          <button type="button" onClick={() => void describeMissing()} disabled={!!work || count === 0}>
            Describe items without text
          </button>
          <button type="button" className="primary" onClick={() => void measureGap()} disabled={!!work || count === 0}>
            Measure the gap
          </button>
          <label>
            Contrastive lens
            <select value={clipModel} disabled={!!work} onChange={(e) => setClipModel(e.target.value)}>
              <option value="">None</option>
              {CONTRASTIVE_MODELS.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          {lenses.includes('clip') && (
            <label>
              Plot lens
              <select value={lens} onChange={(e) => setProjection({ lens: e.target.value as Lens })}>
                <option value="vlm">VLM</option>
                <option value="clip">Contrastive</option>
              </select>
            </label>
          )}
          <label>
            Projection
            <select value={method} onChange={(e) => setProjection({ method: e.target.value as ProjectionMethod })}>
              {PROJECTION_METHODS.map((m) => (
                <option key={m} value={m}>
                  {METHOD_LABELS[m]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Seed
            <input type="number" min={0} step={1} value={seed} onChange={(e) => setProjection({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />
          </label>
        </div>
        {method === 'tsne' && pointCount > 2000 && (
          <p className="hint">t-SNE on {pointCount} points takes minutes (exact O(n²)); UMAP or PCA are much faster.</p>
        )}
        {work && (
          <div className="batch-progress">
            <progress aria-label={work.label} max={work.total} value={work.done} />
            <span>
              {work.label}: {work.done} / {work.total}
            </span>
            <button type="button" onClick={cancelWork}>
              Cancel
            </button>
          </div>
        )}
        {projecting !== null && (
          <div className="batch-progress">
            <progress aria-label="Projection" max={1} value={projecting} />
            <span>Projecting… {Math.round(projecting * 100)} %</span>
          </div>
        )}
        {hasPoints ? <Scatter ref={svg} title={title} /> : <p className="hint">Add items, then measure the gap to see the plot.</p>}
        <HoverCard />
        <div className="row">
          <button type="button" onClick={withSvg((el) => downloadPng(el, 'gap.png'))} disabled={!hasPoints}>
            Export PNG
          </button>
          <button type="button" onClick={withSvg((el) => downloadSvg(el, 'gap.svg'))} disabled={!hasPoints}>
            Export SVG
          </button>
          <button type="button" onClick={() => downloadText(projectionCsv(getGap().points), 'projection.csv')} disabled={!hasPoints}>
            Export coordinates CSV
          </button>
          <button type="button" onClick={() => downloadText(metricsCsv(getGap().metrics ?? {}), 'metrics.csv')} disabled={!hasPoints}>
            Export metrics CSV
          </button>
          <button type="button" onClick={() => downloadText(featuresJson(getGap().features), 'features.json', 'application/json')} disabled={!hasPoints}>
            Export features.json
          </button>
          <FileButton label="Load features.json" text="Load features.json…" accept=".json,application/json" onFiles={([f]) => void loadFeatures(f)} />
        </div>
        <MetricsTable />
      </div>
    </div>
  );
}
