import { forwardRef, useMemo } from 'react';
import type { ProjectedPoint } from '../../gap/export.ts';
import type { Form } from '../../gap/types.ts';
import { setGap, useGap } from '../../store/gap.ts';

export const FORM_COLOURS: Record<Form, string> = { real: '#1f5fbf', tpi: '#d35400', text: '#15803d' };
export const FORM_NAMES: Record<Form, string> = { real: 'Real image', tpi: 'Printed image (TPI)', text: 'Plain text' };
const W = 960;
const H = 640;
const PAD = 48;

/** Screen positions of the points: the bounding box scaled into the plot, aspect kept. */
function place(points: readonly ProjectedPoint[]) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.min((W - 2 * PAD - 220) / (x1 - x0 || 1), (H - 2 * PAD) / (y1 - y0 || 1));
  const ox = PAD + (W - 2 * PAD - 220 - (x1 - x0) * k) / 2;
  const oy = PAD + (H - 2 * PAD - (y1 - y0) * k) / 2;
  return points.map((p) => ({ ...p, sx: ox + (p.x - x0) * k, sy: oy + (y1 - p.y) * k }));
}

/** The gap plot: one dot per item and form, coloured by form, an item's forms joined by lines. */
export const Scatter = forwardRef<SVGSVGElement, { title: string }>(function Scatter({ title }, ref) {
  const points = useGap((s) => s.points);
  const placed = useMemo(() => place(points), [points]);
  const links = useMemo(() => {
    const byId = new Map<string, typeof placed>();
    for (const p of placed) byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
    return [...byId.values()].filter((g) => g.length > 1);
  }, [placed]);
  const forms = (['real', 'tpi', 'text'] as const).filter((f) => points.some((p) => p.form === f));
  return (
    <svg ref={ref} className="gap-plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${points.length} points`} xmlns="http://www.w3.org/2000/svg">
      <rect width={W} height={H} fill="#ffffff" />
      <text x={PAD} y={32} fontSize={24} fontWeight={600} fill="#1b1f24" fontFamily="system-ui, sans-serif">
        {title}
      </text>
      <g stroke="#9aa3ad" strokeWidth={1.2} opacity={0.6}>
        {links.map((g) =>
          g.slice(1).map((p, i) => <line key={`${p.id}-${i}`} x1={g[0].sx} y1={g[0].sy} x2={p.sx} y2={p.sy} />),
        )}
      </g>
      <g>
        {placed.map((p) => (
          <circle
            key={`${p.id}/${p.form}`}
            data-testid="gap-point"
            data-form={p.form}
            cx={p.sx}
            cy={p.sy}
            r={10}
            fill={FORM_COLOURS[p.form]}
            stroke="#ffffff"
            strokeWidth={1.5}
            tabIndex={0}
            role="button"
            aria-label={`${p.id}, ${FORM_NAMES[p.form]}`}
            onMouseEnter={() => setGap({ hover: { id: p.id, form: p.form } })}
            onMouseLeave={() => setGap({ hover: null })}
            onFocus={() => setGap({ hover: { id: p.id, form: p.form } })}
            onBlur={() => setGap({ hover: null })}
          >
            <title>{`${p.id} · ${FORM_NAMES[p.form]}`}</title>
          </circle>
        ))}
      </g>
      <g transform={`translate(${W - 230}, ${PAD + 10})`} fontFamily="system-ui, sans-serif" fontSize={20} data-testid="gap-legend">
        {forms.map((f, i) => (
          <g key={f} transform={`translate(0, ${i * 34})`}>
            <circle cx={10} cy={-6} r={9} fill={FORM_COLOURS[f]} />
            <text x={28} y={0} fill="#1b1f24">
              {FORM_NAMES[f]}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
});
