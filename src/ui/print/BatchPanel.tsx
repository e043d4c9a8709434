import { useEffect, useRef } from 'react';
import { cancelBatch, choicesKey, clearDataset, exportZip, GRID, importDataset, renderAll, undoRemove } from '../../store/batch-actions.ts';
import { usePrint } from '../../store/print.ts';
import { useApp } from '../../store/store.ts';
import { FileButton } from '../common/FileButton.tsx';

const SHOWN_BAD = 50;

/** Batch: import JSONL/CSV, render every record with progress and Cancel, grid, export zip. */
export function BatchPanel() {
  const dataset = usePrint((s) => s.dataset);
  const removed = usePrint((s) => s.removed);
  const error = usePrint((s) => s.datasetError);
  const batch = usePrint((s) => s.batch);
  const thumbs = usePrint((s) => s.thumbs);
  const running = !!batch?.running;
  const rendered = batch && !running ? batch.done - batch.failed.length : 0;
  // The native preset's size follows the model: a model change can make the images out of date too.
  useApp((s) => s.selectedId);
  const current = usePrint((s) => s.settings);
  const outdated = !!batch && !running && rendered > 0 && batch.choices !== choicesKey(current);
  // The button pressed is disabled while the batch runs (and Cancel after it): focus moves to
  // the one that can be pressed next instead of falling to the page.
  const renderButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current === running) return; // a change only, not the first render
    wasRunning.current = running;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (running && (lost || document.activeElement === renderButton.current)) cancelButton.current?.focus();
    else if (!running && (lost || document.activeElement === cancelButton.current)) renderButton.current?.focus();
  }, [running]);
  return (
    <section className="batch" aria-label="Batch">
      <h2>Batch</h2>
      <div className="row">
        <FileButton
          label="Import dataset (JSONL or CSV)"
          text="Import JSONL or CSV…"
          accept=".jsonl,.json,.csv,.txt,application/json,text/csv"
          disabled={running}
          onFiles={([file]) => void importDataset(file)}
        />
        <span className="hint">
          Records with <code>text</code> and optionally <code>question</code>, <code>answer</code>, <code>id</code>.
        </span>
      </div>
      {!dataset && removed && (
        <p className="row" role="status">
          <span>
            {removed.name} removed ({removed.records.length} {removed.records.length === 1 ? 'record' : 'records'}).
          </span>
          <button type="button" onClick={() => void undoRemove()}>
            Undo
          </button>
        </p>
      )}
      {error && (
        <p className="error-text" role="status">
          {error}
        </p>
      )}
      {dataset && (
        <>
          <p data-testid="dataset-summary">
            {dataset.name}: {dataset.records.length} {dataset.records.length === 1 ? 'record' : 'records'}
            {dataset.bad.length > 0 && `, ${dataset.bad.length} not usable (listed below, not rendered)`}
          </p>
          {dataset.bad.length > 0 && (
            <ul className="bad-records" aria-label="Records that cannot be used">
              {dataset.bad.slice(0, SHOWN_BAD).map((b) => (
                <li key={`${b.line}-${b.index}`}>
                  Line {b.line}: {b.reason}
                </li>
              ))}
              {dataset.bad.length > SHOWN_BAD && <li>… and {dataset.bad.length - SHOWN_BAD} more (all are listed in rejected.jsonl in the export)</li>}
            </ul>
          )}
          <div className="row">
            <button type="button" className="primary" ref={renderButton} onClick={() => void renderAll()} disabled={running || dataset.records.length === 0}>
              Render all
            </button>
            <button type="button" ref={cancelButton} onClick={cancelBatch} disabled={!running}>
              Cancel
            </button>
            <button type="button" onClick={exportZip} disabled={running || rendered === 0}>
              Export zip{rendered > 0 ? (rendered < dataset.records.length ? ` (${rendered} of ${dataset.records.length} images)` : ` (${rendered} images)`) : ''}
            </button>
            <button type="button" className="quiet" onClick={() => void clearDataset()} disabled={running}>
              Remove dataset
            </button>
          </div>
        </>
      )}
      {batch && (
        <div className="batch-progress">
          <progress aria-label="Rendering progress" max={batch.total} value={batch.done} />
          <span data-testid="batch-status">
            {batch.done} / {batch.total}
            {batch.running ? ' rendering…' : batch.cancelled ? ' — cancelled' : ' — done'}
            {batch.done > 0 && ` · ${((batch.done / batch.ms) * 1000).toFixed(0)} images/s`}
            {batch.failed.length > 0 && ` · ${batch.failed.length} failed`}
          </span>
          {outdated && (
            <p className="hint" role="status" data-testid="batch-outdated">
              The settings have changed since these images were rendered; the grid and the zip show the old ones. Render all again to apply them.
            </p>
          )}
          {batch.failed.length > 0 && (
            <ul className="bad-records" aria-label="Records that failed to render">
              {batch.failed.slice(0, SHOWN_BAD).map((f) => (
                <li key={f.id}>
                  Line {f.line} ({f.id}): {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {thumbs.length > 0 && batch && batch.total > GRID && (
        <p className="hint" data-testid="grid-note">
          The first {GRID} records are shown; all rendered images are in the zip.
        </p>
      )}
      {thumbs.length > 0 && (
        <ul className="tpi-grid" aria-label="Rendered images">
          {thumbs.map((t) => (
            <li key={t.id}>
              <img src={t.url} alt={`Printed image ${t.id}`} width={t.meta.width} height={t.meta.height} />
              <span>
                {t.id} · {t.meta.font_size} px{t.meta.overflow ? ' · overflow' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
