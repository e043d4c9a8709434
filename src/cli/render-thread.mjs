// Worker-thread entry for `tpi render`: TypeScript through tsx, as in bin/tpi.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./render-thread.ts');
