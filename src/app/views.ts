/**
 * The views of the page, in tab order. The hash selects one (`#/ask`, `#/print`, …) so a
 * view can be linked and survives a reload; `?model=` and other parameters stay in the query.
 */
export interface ViewInfo {
  id: string;
  label: string;
}

export const VIEWS: readonly ViewInfo[] = [
  { id: 'ask', label: 'Ask' },
  { id: 'print', label: 'Print' },
  { id: 'compare', label: 'Compare' },
  { id: 'gap', label: 'Gap' },
];

export const DEFAULT_VIEW = 'ask';

export function viewFromHash(hash: string): string {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return VIEWS.some((v) => v.id === id) ? id : DEFAULT_VIEW;
}
