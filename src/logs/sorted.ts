/** Index of the last of the first `length` entries of ascending `sorted` that is at or below `value`, or 0. */
export function lastAtOrBelow(sorted: ArrayLike<number>, value: number, length = sorted.length): number {
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (sorted[mid] <= value) low = mid;
    else high = mid - 1;
  }
  return low;
}
