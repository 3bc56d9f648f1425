import { formatCurrency, formatCurrencyCompact, formatPercent } from './format';

describe('formatting', () => {
  it('formats amounts in the response currency', () => {
    expect(formatCurrency(1234.5, 'USD')).toBe('$1,234.50');
    expect(formatCurrency(250, 'EUR', { signed: true })).toBe('+€250.00');
    expect(formatCurrency(-250, 'EUR', { signed: true })).toBe('-€250.00');
    expect(formatCurrencyCompact(12_300, 'USD')).toBe('$12.3K');
  });

  it('still shows an amount whose currency code Intl refuses', () => {
    expect(formatCurrency(12, 'US-DOLLAR')).toBe('12.00 US-DOLLAR');
  });

  it('formats ratios as percentages', () => {
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(0.2, { signed: true })).toBe('+20%');
    expect(formatPercent(0, { signed: true })).toBe('0%');
  });
});
