import { clearAlert, useApp } from '../../store/store.ts';

/** The one place errors appear: role="alert", text only (never HTML). */
export function Alert() {
  const alert = useApp((s) => s.alert);
  return (
    <div className="alert-slot">
      <div role="alert" className={alert ? 'alert' : 'alert empty'}>
        {alert && (
          <>
            <span className="alert-text">{alert.message}</span>
            {alert.action && (
              <button type="button" onClick={alert.action.run}>
                {alert.action.label}
              </button>
            )}
            <button type="button" className="quiet" aria-label="Dismiss message" onClick={clearAlert}>
              ×
            </button>
          </>
        )}
      </div>
    </div>
  );
}
