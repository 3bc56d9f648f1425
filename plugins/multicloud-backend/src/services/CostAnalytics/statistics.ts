/** Arithmetic mean; 0 for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) {
    return 0;
  }
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Quantile `p` (0..1) with linear interpolation between order statistics
 * (Hyndman & Fan type 7, as R and NumPy default to); 0 for no values.
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Median; 0 for no values. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median absolute deviation from the median (unscaled). */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const center = median(values);
  return median(values.map(value => Math.abs(value - center)));
}

/**
 * Theil–Sen slope: the median of the slopes between every pair of points.
 * Unlike least squares, a few outliers (a spike, a credit) cannot tilt it.
 * 0 for fewer than two distinct x.
 */
export function theilSenSlope(
  points: ReadonlyArray<{ x: number; y: number }>,
): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j].x - points[i].x;
      if (dx !== 0) {
        slopes.push((points[j].y - points[i].y) / dx);
      }
    }
  }
  return median(slopes);
}

/**
 * Least-squares line y = intercept + slope * x with neither coefficient
 * below 0, for quantities that cannot be negative or shrink with x
 * (variances over a horizon). Falls back to the best line through the
 * origin, or to the flat mean, when the free fit breaks a constraint.
 */
export function fitNonNegativeLine(
  points: ReadonlyArray<{ x: number; y: number }>,
): { intercept: number; slope: number } {
  const meanX = mean(points.map(p => p.x));
  const meanY = mean(points.map(p => p.y));
  let sxx = 0;
  let sxy = 0;
  for (const { x, y } of points) {
    sxx += (x - meanX) ** 2;
    sxy += (x - meanX) * (y - meanY);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  if (slope <= 0) {
    return { intercept: Math.max(0, meanY), slope: 0 };
  }
  const intercept = meanY - slope * meanX;
  if (intercept >= 0) {
    return { intercept, slope };
  }
  const sumXX = points.reduce((sum, p) => sum + p.x * p.x, 0);
  const sumXY = points.reduce((sum, p) => sum + p.x * p.y, 0);
  return { intercept: 0, slope: Math.max(0, sumXY / sumXX) };
}
