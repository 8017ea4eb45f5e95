/**
 * @module bench/lib/stats
 * Small statistics and clock helpers shared by the benchmarks.
 */

/** Milliseconds since the epoch with sub-millisecond precision. */
export const now = () => performance.timeOrigin + performance.now();

/** The p-th percentile (0-100) of an ascending array; NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The median of a list of numbers. */
export function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
