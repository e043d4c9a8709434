import { forwardRef, useMemo, type KeyboardEvent } from 'react';
import type { ProjectedPoint } from '../../gap/export.ts';
import type { Form } from '../../gap/types.ts';
import { setGap, useGap } from '../../store/gap.ts';

export const FORM_COLOURS: Record<Form, string> = { real: '#1f5fbf', tpi: '#d35400', text: '#15803d' };
export const FORM_NAMES: Record<Form, string> = { real: 'Real image', tpi: 'Printed image (TPI)', text: 'Plain text' };
const W = 1120;
const H = 640;
const PAD = 56;
const LEGEND_W = 320;

/** Screen positions of the points: the bounding box scaled into the plot, aspect kept. */
function place(points: readonly ProjectedPoint[]) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.min((W - 2 * PAD - LEGEND_W) / (x1 - x0 || 1), (H - 2 * PAD) / (y1 - y0 || 1));
  const ox = PAD + (W - 2 * PAD - LEGEND_W - (x1 - x0) * k) / 2;
  const oy = PAD + (H - 2 * PAD - (y1 - y0) * k) / 2;
  return points.map((p) => ({ ...p, sx: ox + (p.x - x0) * k, sy: oy + (y1 - p.y) * k }));
}

/** Roving focus: Tab enters the plot at the first point, arrow keys move between points. */
function moveFocus(e: KeyboardEvent<SVGGElement>): void {
  const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
  if (!step) return;
  const dots = [...e.currentTarget.querySelectorAll<SVGCircleElement>('circle')];
  const at = dots.indexOf(e.target as SVGCircleElement);
  const next = dots[(at + step + dots.length) % dots.length];
  if (!next) return;
  e.preventDefault();
  next.focus();
}

/** The gap plot: one dot per item and form, coloured by form, an item's forms joined by lines. */
export const Scatter = forwardRef<SVGSVGElement, { title: string }>(function Scatter({ title }, ref) {
  const points = useGap((s) => s.points);
  const hoverId = useGap((s) => s.hover?.id);
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
      <text x={24} y={38} fontSize={30} fontWeight={600} fill="#1b1f24" fontFamily="system-ui, sans-serif">
        {title}
      </text>
      <g stroke="#9aa3ad" strokeWidth={1.2} opacity={0.6}>
        {links.map((g) =>
          g.slice(1).map((p, i) => <line key={`${p.id}-${i}`} x1={g[0].sx} y1={g[0].sy} x2={p.sx} y2={p.sy} />),
        )}
      </g>
      <g onKeyDown={moveFocus}>
        {placed.map((p, i) => (
          <circle
            key={`${p.id}/${p.form}`}
            data-testid="gap-point"
            data-form={p.form}
            cx={p.sx}
            cy={p.sy}
            r={hoverId === p.id ? 14 : 10}
            fill={FORM_COLOURS[p.form]}
            stroke={hoverId === p.id ? '#1b1f24' : '#ffffff'}
            strokeWidth={hoverId === p.id ? 2.5 : 1.5}
            tabIndex={i === 0 ? 0 : -1}
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
      <g transform={`translate(${W - LEGEND_W + 20}, ${PAD + 30})`} fontFamily="system-ui, sans-serif" fontSize={26} data-testid="gap-legend">
        {forms.map((f, i) => (
          <g key={f} transform={`translate(0, ${i * 42})`}>
            <circle cx={12} cy={-9} r={12} fill={FORM_COLOURS[f]} />
            <text x={34} y={0} fill="#1b1f24">
              {FORM_NAMES[f]}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
});
