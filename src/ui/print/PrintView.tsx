import { useEffect, useMemo } from 'react';
import { notInFonts } from '../../tpi/coverage.ts';
import { askAboutPreview, restorePrint, schedulePreview, setText } from '../../store/print-actions.ts';
import { usePrint } from '../../store/print.ts';
import { useApp } from '../../store/store.ts';
import { BatchPanel } from './BatchPanel.tsx';
import { PrintControls } from './PrintControls.tsx';
import './test-hook.ts';

/** Print: text in, Text-Printed Image out, live; batch datasets below. */
export function PrintView() {
  const text = usePrint((s) => s.text);
  const nativePreset = usePrint((s) => s.settings.preset === 'native');
  const modelId = useApp((s) => s.selectedId);
  useEffect(() => void restorePrint(), []);
  // The native preset follows the selected model's input size.
  useEffect(() => {
    if (nativePreset) schedulePreview();
  }, [modelId, nativePreset]);
  return (
    <div className="print-view">
      <div className="print-main">
        <section className="print-editor" aria-label="Text and settings">
          <label className="stacked">
            Text to print
            <textarea rows={7} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
          </label>
          <PrintControls />
        </section>
        <Preview />
      </div>
      <BatchPanel />
    </div>
  );
}

function Preview() {
  const preview = usePrint((s) => s.preview);
  const error = usePrint((s) => s.previewError);
  const current = usePrint((s) => s.preview?.text === s.text);
  const empty = usePrint((s) => s.text.trim() === '');
  const meta = preview?.meta;
  const invisible = usePrint((s) => s.settings.foreground.toLowerCase() === s.settings.background.toLowerCase());
  const shownText = preview?.text ?? '';
  const shownFont = meta?.font;
  const missing = useMemo(() => (shownFont ? notInFonts(shownText, shownFont) : []), [shownText, shownFont]);
  return (
    <section className="print-preview" aria-label="Printed image">
      <div className="tpi-frame">
        {preview ? (
          <img src={preview.url} alt="Text-printed image of the text" data-testid="tpi-preview" data-font-size={meta?.font_size} width={meta?.width} height={meta?.height} />
        ) : (
          <p className="hint">Rendering…</p>
        )}
      </div>
      {meta && (
        <p className="tpi-info" data-testid="tpi-info" aria-live="polite">
          {meta.width}×{meta.height} · font size {meta.font_size} px · {meta.lines} {meta.lines === 1 ? 'line' : 'lines'} ·{' '}
          {meta.overflow ? <strong className="overflow">overflow: the text does not fit at the smallest size and is cut</strong> : 'fits'}
          {' · '}
          {preview!.ms.toFixed(1)} ms
        </p>
      )}
      {invisible && (
        <p className="hint" data-testid="tpi-invisible">
          The text colour is the background colour: the text cannot be seen.
        </p>
      )}
      {missing.length > 0 && (
        <p className="hint" data-testid="tpi-missing">
          Not in the bundled fonts: {missing.slice(0, 12).join(' ')}
          {missing.length > 12 ? ` and ${missing.length - 12} more` : ''}. These print with this machine&apos;s fonts (or as empty boxes), so they may look different on another machine.
        </p>
      )}
      {error && <p className="error-text">{error}</p>}
      <button type="button" className="primary" onClick={() => void askAboutPreview()} disabled={!preview || !current || empty}>
        Ask about this image
      </button>
    </section>
  );
}
