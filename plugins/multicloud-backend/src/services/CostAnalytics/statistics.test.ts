import {
  fitNonNegativeLine,
  mean,
  median,
  medianAbsoluteDeviation,
  quantile,
  theilSenSlope,
} from './statistics';

describe('mean, median and quantile', () => {
  it('summarise values regardless of their order', () => {
    expect(mean([1, 2, 3, 10])).toBe(4);
    expect(median([10, 1, 3])).toBe(3);
    expect(median([10, 1, 3, 2])).toBe(2.5);
    expect(quantile([4, 1, 3, 2, 5], 0)).toBe(1);
    expect(quantile([4, 1, 3, 2, 5], 1)).toBe(5);
    // Type 7: position (n - 1) * p = 0.4 between 1 and 2.
    expect(quantile([4, 1, 3, 2, 5], 0.1)).toBeCloseTo(1.4);
  });

  it('are 0 for no values rather than NaN', () => {
    expect(mean([])).toBe(0);
    expect(median([])).toBe(0);
    expect(quantile([], 0.9)).toBe(0);
  });

  it('do not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('medianAbsoluteDeviation', () => {
  it('ignores a single outlier', () => {
    expect(medianAbsoluteDeviation([10, 11, 9, 10, 1000])).toBe(1);
    expect(medianAbsoluteDeviation([5, 5, 5])).toBe(0);
  });
});

describe('theilSenSlope', () => {
  it('recovers a line despite an outlier that tilts least squares', () => {
    const points = [0, 1, 2, 3, 4, 5, 6, 7].map(x => ({ x, y: 100 + 2 * x }));
    points[7] = { x: 7, y: 1000 };
    expect(theilSenSlope(points)).toBeCloseTo(2);
  });

  it('is 0 without two distinct x', () => {
    expect(theilSenSlope([])).toBe(0);
    expect(theilSenSlope([{ x: 1, y: 5 }])).toBe(0);
    expect(
      theilSenSlope([
        { x: 1, y: 5 },
        { x: 1, y: 7 },
      ]),
    ).toBe(0);
  });
});

describe('fitNonNegativeLine', () => {
  it('is the least-squares line when both coefficients are >= 0', () => {
    const points = [0, 1, 2, 3].map(x => ({ x, y: 2 + 3 * x }));
    const line = fitNonNegativeLine(points);
    expect(line.intercept).toBeCloseTo(2);
    expect(line.slope).toBeCloseTo(3);
  });

  it('flattens a falling line to the mean', () => {
    const points = [0, 1, 2, 3].map(x => ({ x, y: 10 - x }));
    expect(fitNonNegativeLine(points)).toEqual({ intercept: 8.5, slope: 0 });
  });

  it('runs a line that would start below 0 through the origin', () => {
    const points = [1, 2, 3].map(x => ({ x, y: 4 * x - 2 }));
    const line = fitNonNegativeLine(points);
    expect(line.intercept).toBe(0);
    // Least squares through the origin: sum(xy) / sum(x^2) = 44 / 14.
    expect(line.slope).toBeCloseTo(44 / 14);
  });

  it('is flat when x never changes', () => {
    expect(
      fitNonNegativeLine([
        { x: 2, y: 1 },
        { x: 2, y: 3 },
      ]),
    ).toEqual({ intercept: 2, slope: 0 });
  });
});
