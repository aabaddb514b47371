// kube's helper.DefaultNormalizeScore: scales raw scores from [0, max] onto [0, maxNodeScore] with integer
// arithmetic, optionally reversed (fewer is better); all-zero scores become maxNodeScore when reversed.
import { maxNodeScore } from './types.ts';

export function defaultNormalizeScore(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(maxNodeScore);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const scaled = Math.trunc((maxNodeScore * scores[i]) / max);
    scores[i] = reverse ? maxNodeScore - scaled : scaled;
  }
}
