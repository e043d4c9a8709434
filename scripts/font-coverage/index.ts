// Writes src/tpi/coverage.json: the characters each bundled font has (from its cmap, read with
// fontkit), so that the page can name the characters that none of them has. Run with
// `npm run fonts:coverage` after changing a font; a test fails when the file is out of date.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { encodeCoverage } from '../../src/tpi/coverage.ts';
import { FACES, FONT_IDS } from '../../src/tpi/fonts.ts';

const require = createRequire(import.meta.url);

export function coverageFile(): string {
  const fontkit = require('fontkit') as { openSync(path: string): { characterSet: number[] } };
  const faces = Object.fromEntries(FONT_IDS.map((id) => [id, encodeCoverage(fontkit.openSync(require.resolve(FACES[id].file)).characterSet)]));
  return JSON.stringify(faces, null, 1) + '\n';
}

export const COVERAGE_PATH = fileURLToPath(new URL('../../src/tpi/coverage.json', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(COVERAGE_PATH, coverageFile());
  console.log(`wrote ${COVERAGE_PATH}`);
}
