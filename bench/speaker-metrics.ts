/** Verification and identification measures for the speaker benchmark. */

export interface Trial {
  score: number;
  /** Same speaker (a target trial) or another one (a non-target trial). */
  target: boolean;
}

/**
 * Equal error rate: the threshold where the share of wrongly accepted non-target trials equals
 * the share of wrongly rejected target trials, found by sweeping every score as the threshold.
 * Returns the rate and that threshold.
 */
export function equalErrorRate(trials: Trial[]): { eer: number; threshold: number } {
  const targets = trials.filter((t) => t.target).length;
  const nonTargets = trials.length - targets;
  if (targets === 0 || nonTargets === 0) throw new Error('EER needs target and non-target trials');
  const sorted = [...trials].sort((a, b) => a.score - b.score);
  let best = { gap: Infinity, eer: 1, threshold: 0 };
  let rejectedTargets = 0; // targets below the threshold
  let acceptedNonTargets = nonTargets; // non-targets at or above it
  for (let i = 0; i <= sorted.length; i++) {
    const frr = rejectedTargets / targets;
    const far = acceptedNonTargets / nonTargets;
    const threshold = i < sorted.length ? sorted[i]!.score : sorted.at(-1)!.score + 1e-6;
    if (Math.abs(frr - far) < best.gap) best = { gap: Math.abs(frr - far), eer: (frr + far) / 2, threshold };
    if (i === sorted.length) break;
    if (sorted[i]!.target) rejectedTargets++;
    else acceptedNonTargets--;
  }
  return { eer: best.eer, threshold: best.threshold };
}

/** min / median / max of some scores, rounded for a results file. */
export function spread(scores: number[]): { n: number; min: number; median: number; max: number } {
  const s = [...scores].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, min: r(s[0]!), median: r(s[s.length >> 1]!), max: r(s.at(-1)!) };
}

/**
 * A probe's scores against every profile, each normalised against the probe's scores for the
 * other profiles (the cohort): (s - mean) / std, the std floored so two near-equal cohort scores
 * do not blow it up. Measured as a candidate lever; with 0 or 1 other profile it is undefined.
 */
export function cohortNormalised(scores: number[], stdFloor = 0.02): number[] {
  return scores.map((s, k) => {
    const others = scores.filter((_, j) => j !== k);
    const mean = others.reduce((a, b) => a + b, 0) / others.length;
    const std = Math.sqrt(others.reduce((a, b) => a + (b - mean) ** 2, 0) / others.length);
    return (s - mean) / Math.max(std, stdFloor);
  });
}
