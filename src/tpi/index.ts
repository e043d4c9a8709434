// Public surface of the pure TPI layout engine (no DOM): import from here, not from the parts.
export type * from './types.ts';
export { layoutText, largestFittingSize, contentBox, validateSettings, type Box } from './layout.ts';
export { breakText, breakParagraphs, type BrokenLine, type BreakOptions } from './linebreak.ts';
export { segmentText, type Paragraph, type Cluster } from './segment.ts';
export { createMonospaceMeasurer, monospaceMeasurer, countCells } from './fake-measurer.ts';
export * from './presets.ts';
