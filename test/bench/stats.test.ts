import { medianInterval } from '../../bench/stats';

const rounds = (n: number) => Array.from({ length: n }, (_, i) => n - i); // n, n-1, …, 1: unsorted on purpose

describe('medianInterval', () => {
  it('spans the order statistics that hold the median at 95 % or more', () => {
    // Binomial(9, ½): P(X ≤ 1) = 1.95 %, P(X ≤ 2) = 9 %: the 2nd to the 8th of 9.
    expect(medianInterval(rounds(9))).toEqual([2, 8]);
    // Binomial(21, ½): P(X ≤ 5) = 1.3 %, P(X ≤ 6) = 3.9 %: the 6th to the 16th of 21.
    expect(medianInterval(rounds(21))).toEqual([6, 16]);
    expect(medianInterval(rounds(6))).toEqual([1, 6]);
  });

  it('gives no interval for fewer than six values', () => {
    expect(medianInterval(rounds(5))).toBeUndefined();
  });
});
