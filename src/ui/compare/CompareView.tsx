import { describe, pickCompareImage, runCompare, setCustomSize, setDescription, setPreset, setQuestions, stopCompare } from '../../store/compare-actions.ts';
import { compareExport } from '../../store/compare-logic.ts';
import { COMPARE_FORMS, getCompare, useCompare, type ComparePreset } from '../../store/compare.ts';
import { getState as getApp, showAlert } from '../../store/store.ts';
import { ComparePane } from './ComparePane.tsx';
import { comparisonPng, download } from './export-png.ts';
import { FileButton, IMAGE_TYPES } from '../common/FileButton.tsx';

function exportJson(): void {
  const s = getCompare();
  const data = compareExport(getApp().loaded?.modelId ?? null, s.preset, s.printed?.meta ?? null, s.description, s.rows);
  download(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }), 'comparison.json');
}

async function exportPng(): Promise<void> {
  try {
    download(await comparisonPng(getCompare(), getApp().loaded?.modelId ?? 'no model'), 'comparison.png');
  } catch (e) {
    showAlert(e instanceof Error ? e.message : String(e));
  }
}

/** Compare: the same questions asked of the real image, its printed description and the plain text. */
export function CompareView() {
  const image = useCompare((s) => s.image);
  const description = useCompare((s) => s.description);
  const describing = useCompare((s) => s.describing);
  const questions = useCompare((s) => s.questions);
  const preset = useCompare((s) => s.preset);
  const customSize = useCompare((s) => s.customSize);
  const running = useCompare((s) => s.running);
  const hasRows = useCompare((s) => s.rows.length > 0);
  const busy = running || describing;
  return (
    <div className="compare-view">
      <div className="compare-setup">
        <div className="stacked">
          <FileButton
            label="Choose the real image"
            text={image ? `Real image: ${image.name} (choose another…)` : 'Choose the real image…'}
            accept={IMAGE_TYPES}
            onFiles={([f]) => void pickCompareImage(f)}
          />
          <label className="stacked">
            Description (printed as the TPI and given as text)
            <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} readOnly={describing} />
          </label>
          <div className="row">
            <button type="button" onClick={() => void describe()} disabled={busy || !image}>
              Describe with the model
            </button>
            <label>
              TPI preset
              <select value={preset} onChange={(e) => setPreset(e.target.value as ComparePreset)}>
                <option value="paper">Paper (336×336, ≤32 px)</option>
                <option value="native">Model-native size</option>
                <option value="custom">Custom size</option>
              </select>
            </label>
            {preset === 'custom' && (
              <label>
                Canvas size
                <input type="number" min={64} max={2048} step={16} value={customSize} onChange={(e) => setCustomSize(Number(e.target.value) || 448)} />
              </label>
            )}
          </div>
        </div>
        <div className="stacked">
          <label className="stacked">
            Questions (one per line)
            <textarea
              rows={4}
              value={questions}
              aria-describedby="compare-keys"
              onChange={(e) => setQuestions(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  void runCompare();
                }
              }}
            />
          </label>
          <div className="row">
            <button type="button" className="primary" onClick={() => void runCompare()} disabled={busy}>
              Compare
            </button>
            <button type="button" onClick={stopCompare} disabled={!busy}>
              Stop
            </button>
            <button type="button" onClick={exportJson} disabled={!hasRows || running}>
              Export JSON
            </button>
            <button type="button" onClick={() => void exportPng()} disabled={!hasRows || running}>
              Export PNG
            </button>
          </div>
          <p className="hint" id="compare-keys">
            Ctrl+Enter (⌘+Enter) in the questions runs the comparison.
          </p>
          <p className="hint">Probabilities: “mean p” is the mean of the answer tokens’ probabilities, “answer p” their product.</p>
        </div>
      </div>
      <div className="compare-panes">
        {COMPARE_FORMS.map((f) => (
          <ComparePane key={f} form={f} />
        ))}
      </div>
    </div>
  );
}
