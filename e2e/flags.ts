/** Chromium flags: quiet on a closed network, no sandbox (root); WebGPU is added per project. */
export const CHROMIUM = process.env.TPI_CHROMIUM ?? '/usr/bin/chromium';
export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
];
