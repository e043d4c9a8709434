// Exports of the Gap lab and `tpi gap`: features.json, projection.csv and the metrics as CSV.

import { PAIRS, type GapMetrics } from './metrics.ts';
import type { FeatureRecord, Form, Lens } from './types.ts';

export interface ProjectedPoint {
  id: string;
  lens: Lens;
  form: Form;
  x: number;
  y: number;
}

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function projectionCsv(points: readonly ProjectedPoint[]): string {
  const rows = points.map((p) => [p.id, p.lens, p.form, p.x, p.y].map(csvField).join(','));
  return ['id,lens,form,x,y', ...rows].join('\n') + '\n';
}

export type MetricsJson = Partial<Record<Lens, GapMetrics>>;

export function metricsCsv(metrics: MetricsJson): string {
  const rows: string[] = ['lens,metric,pair,value'];
  for (const [lens, m] of Object.entries(metrics) as [Lens, GapMetrics][]) {
    for (const metric of Object.keys(m) as (keyof GapMetrics)[]) {
      for (const [pair] of PAIRS) rows.push([lens, metric, pair, m[metric][pair]].map(csvField).join(','));
    }
  }
  return rows.join('\n') + '\n';
}

/** features.json: a list of pooled vectors as plain numbers. */
export function featuresJson(records: readonly FeatureRecord[]): string {
  return JSON.stringify(records.map((r) => ({ id: r.id, lens: r.lens, form: r.form, vector: Array.from(r.vector) })));
}
