import { cancelLoad, clearModelCache, loadModel, selectDevice, selectModel } from '../../store/actions.ts';
import { useApp } from '../../store/store.ts';
import { describeDtypes, type DevicePreference } from '../../vlm/dtype.ts';
import { MODELS } from '../../vlm/registry.ts';
import { formatBytes, formatMs } from '../common/format.ts';

/** Model choice, device, load with progress, cancel, clear cache, and what is running. */
export function ModelBar() {
  const { selectedId, device, status, progress, loaded, notice } = useApp();
  const loading = status === 'loading';
  const pct = progress && progress.total > 0 ? (100 * progress.loaded) / progress.total : 0;
  return (
    <section className="model-bar" aria-label="Model">
      <div className="row">
        <label>
          Model
          <select value={selectedId} disabled={loading} onChange={(e) => selectModel(e.target.value)}>
            {MODELS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label} (~{m.approxMB} MB)
              </option>
            ))}
          </select>
        </label>
        <label>
          Device
          <select value={device} disabled={loading} onChange={(e) => selectDevice(e.target.value as DevicePreference)}>
            <option value="auto">Auto</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM</option>
          </select>
        </label>
        {loading ? (
          <button type="button" onClick={cancelLoad}>
            Cancel
          </button>
        ) : (
          <button type="button" className={loaded?.modelId === selectedId ? '' : 'primary'} onClick={() => void loadModel()}>
            {loaded?.modelId === selectedId ? 'Reload model' : 'Load model'}
          </button>
        )}
        <button type="button" className="quiet" disabled={loading} onClick={() => void clearModelCache()}>
          Clear cached models
        </button>
      </div>
      {loading && (
        <div className="load-progress">
          <progress aria-label="Model download" max={100} value={pct} />
          <span>{progress && progress.total > 0 ? `${formatBytes(progress.loaded)} of ${formatBytes(progress.total)} (${pct.toFixed(0)} %)` : 'Starting…'}</span>
          {progress && (
            <details>
              <summary>Files</summary>
              <ul className="files">
                {Object.entries(progress.files).map(([file, f]) => (
                  <li key={file}>
                    {file}: {f.total ? `${formatBytes(f.loaded)} / ${formatBytes(f.total)} (${((100 * f.loaded) / f.total).toFixed(0)} %)` : '…'}
                    {f.done ? ' ✓' : ''}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
      <p className="status" aria-live="polite" data-testid="model-status" data-device={loaded?.device ?? ""} data-kv-location={loaded?.kvLocation ?? ""}>
        {loaded
          ? `Ready: ${loaded.modelId} · ${loaded.device === 'webgpu' ? `WebGPU${loaded.adapterInfo ? ` (${loaded.adapterInfo})` : ''}` : 'WASM'} · ${describeDtypes(loaded.dtypes)} · loaded in ${formatMs(loaded.loadMs)}`
          : loading
            ? 'Loading…'
            : 'No model loaded.'}
        {notice ? ` ${notice}` : ''}
      </p>
    </section>
  );
}
