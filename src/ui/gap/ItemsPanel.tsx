import { useState, type DragEvent } from 'react';
import { addFiles, clearItems, pairSetText, removeItem, setItemText } from '../../store/gap-actions.ts';
import { downloadText } from './export.ts';
import { useGap } from '../../store/gap.ts';
import { FileButton, IMAGE_TYPES } from '../common/FileButton.tsx';

/** The items: drop or pick images / a pair set; each item's description is editable. */
export function ItemsPanel() {
  const items = useGap((s) => s.items);
  const urls = useGap((s) => s.urls);
  const bad = useGap((s) => s.bad);
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void addFiles([...e.dataTransfer.files]);
  };
  return (
    <section className="gap-items" aria-label="Items">
      <div
        className={`drop-zone small${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p className="hint">Drop images, or a pair-set JSONL ({'{id, image, text}'}) with its images.</p>
        <FileButton
          label="Add images or a pair set"
          text="Add images or a pair set…"
          accept={`${IMAGE_TYPES},.jsonl,.json`}
          multiple
          onFiles={(files) => void addFiles(files)}
        />
      </div>
      {bad.length > 0 && (
        <ul className="bad-records" aria-label="Skipped records">
          {bad.map((b, i) => (
            <li key={i}>
              {b.line ? `line ${b.line}: ` : ''}
              {b.id ? `${b.id}: ` : ''}
              {b.reason}
            </li>
          ))}
        </ul>
      )}
      <p className="hint" data-testid="gap-count">
        {items.length} item{items.length === 1 ? '' : 's'}
        {items.length > 0 && (
          <>
            <button type="button" className="quiet" onClick={() => downloadText(pairSetText(), 'pairs.jsonl', 'application/jsonl')}>
              Save pair set
            </button>
            <button type="button" className="quiet" onClick={clearItems}>
              Remove all
            </button>
          </>
        )}
      </p>
      <ul className="gap-item-list">
        {items.map((it) => (
          <li key={it.id} className="gap-item">
            {urls[it.id] ? <img src={urls[it.id]} alt={`Image of ${it.id}`} /> : <span className="hint">no image</span>}
            <label className="stacked">
              {it.id}
              <textarea rows={2} value={it.text} placeholder="Description…" aria-label={`Description of ${it.id}`} onChange={(e) => setItemText(it.id, e.target.value)} />
            </label>
            <button type="button" className="quiet" aria-label={`Remove ${it.id}`} onClick={() => removeItem(it.id)}>
              ✕
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
