/**
 * Learning-rate schedule, as nanoGPT's get_lr: linear warmup to `lr` over `warmup` steps, then
 * cosine decay from `lr` (first step after warmup) to `minLr` (last step). Steps are 1-based.
 */
export interface LrSchedule {
  lr: number;
  minLr: number;
  warmup: number;
  steps: number;
}

export function learningRate(step: number, s: LrSchedule): number {
  if (s.warmup > 0 && step <= s.warmup) return (s.lr * step) / s.warmup;
  // The first step after warmup runs at lr, the last one at minLr.
  const decaySteps = s.steps - s.warmup - 1;
  if (decaySteps <= 0) return s.lr;
  const ratio = Math.min(1, Math.max(0, (step - s.warmup - 1) / decaySteps));
  return s.minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (s.lr - s.minLr);
}
