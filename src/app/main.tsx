import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initApp, loseDeviceForTest } from '../store/actions.ts';
import { getState } from '../store/store.ts';
import { App } from './App.tsx';
import './app.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Read-only state, a device-loss switch and in-page training (until the Train view) for the
// end-to-end tests; the training code is loaded only when asked for.
(window as unknown as { __tpi: unknown }).__tpi = { state: getState, loseDevice: loseDeviceForTest, train: () => import('../store/train-actions.ts') };

void initApp(location.search);

// Offline after the first visit (and cross-origin isolation on hosts without headers).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).then(
    (reg) => {
      // First visit on a host without COOP/COEP: reload once the worker can add them.
      if (!self.crossOriginIsolated && !navigator.serviceWorker.controller) {
        reg.addEventListener('updatefound', () => reg.installing?.addEventListener('statechange', (e) => {
          if ((e.target as ServiceWorker).state === 'activated' && !sessionStorage.getItem('tpi-coi-reload')) {
            sessionStorage.setItem('tpi-coi-reload', '1');
            location.reload();
          }
        }));
      }
    },
    () => {},
  );
}
