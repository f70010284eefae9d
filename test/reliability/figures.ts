/**
 * The reliability suite runs twice over: a quick pass inside `npm test`, and the long pass
 * of `npm run chaos` (SPOTINST_CHAOS=1). Each item records the figure it proved, so the
 * chaos run can print them all and docs/reliability.md can quote them.
 */
import fs from 'node:fs';

export const CHAOS = process.env.SPOTINST_CHAOS === '1';

/** How many trials an item runs: the quick count in `npm test`, the chaos count otherwise. */
export function trials(quick: number, chaos: number): number {
  return CHAOS ? chaos : quick;
}

/**
 * Appends one figure (e.g. item "faults", text "5/5 converged, 0 duplicates") to the file
 * named by SPOTINST_RELIABILITY_FIGURES, one JSON object per line; without that variable
 * (a plain `npm test`) figures are not kept.
 */
export function recordFigure(item: string, figure: string): void {
  const file = process.env.SPOTINST_RELIABILITY_FIGURES;
  if (!file) return;
  fs.appendFileSync(file, JSON.stringify({ item, figure, chaos: CHAOS }) + '\n');
}
