import { AlertAmount } from '@multicloud/plugin-multicloud-common';

/** Amounts summed per currency, rounded to cents, largest first. */
export function sumByCurrency(amounts: AlertAmount[]): AlertAmount[] {
  const sums = new Map<string, number>();
  for (const { amount, currency } of amounts) {
    sums.set(currency, (sums.get(currency) ?? 0) + amount);
  }
  return [...sums]
    .map(([currency, amount]) => ({
      amount: Math.round(amount * 100) / 100,
      currency,
    }))
    .sort((a, b) => b.amount - a.amount);
}
