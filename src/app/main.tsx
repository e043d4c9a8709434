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

// Read-only state and a device-loss switch for the end-to-end tests.
(window as unknown as { __tpi: unknown }).__tpi = { state: getState, loseDevice: loseDeviceForTest };

void initApp(location.search);
