const ascending = (values: number[]) => [...values].sort((a, b) => a - b);

/** The middle value (the upper of the two middle ones for an even count). */
export const median = (values: number[]) => ascending(values)[Math.floor(values.length / 2)];

/**
 * Where the median of `values` lies with at least 95 % confidence, from order statistics alone, with no assumption
 * about how the values spread: the k-th smallest and the k-th largest value, for the largest k such that the chance
 * of fewer than k of n values falling below the median is at most 2.5 % (a binomial tail). Undefined for fewer than
 * six values, too few for any such interval. This is the textbook interval (Lehmann, Nonparametrics, 1975), as R's
 * `asbio::ci.median` computes it; ten lines here rather than a statistics package for the benchmark.
 */
export function medianInterval(values: number[]): [number, number] | undefined {
  const sorted = ascending(values);
  const n = sorted.length;
  let k = 0;
  let tail = 0;
  let term = 0.5 ** n; // chance that exactly j values fall below the median, for j = 0, 1, …
  for (let j = 0; j < n; j++) {
    tail += term;
    if (tail > 0.025) break;
    k = j + 1;
    term = (term * (n - j)) / (j + 1);
  }
  return k === 0 ? undefined : [sorted[k - 1]!, sorted[n - k]!];
}
