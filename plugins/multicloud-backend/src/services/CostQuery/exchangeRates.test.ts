import { convertDailyCosts, ExchangeRates, rateOn } from './exchangeRates';
import {
  analyseHistory,
  budgetStatus,
  historyWindow,
  unconvertedBudget,
} from './shapeResponses';

/** USD; euros from October (November its own rate), pounds from November. */
const RATES: ExchangeRates = {
  display: 'USD',
  rates: new Map([
    [
      'EUR',
      [
        { month: '2026-11', rate: 1.25 },
        { month: '2026-10', rate: 1.5 },
      ],
    ],
    ['GBP', [{ month: '2026-11', rate: 2 }]],
  ]),
};

describe('rateOn', () => {
  it("takes the month's own rate", () => {
    expect(rateOn(RATES, 'EUR', '2026-10')).toEqual({
      month: '2026-10',
      rate: 1.5,
    });
    expect(rateOn(RATES, 'EUR', '2026-11')).toEqual({
      month: '2026-11',
      rate: 1.25,
    });
  });

  it("takes the nearest earlier month's rate for a month without one, and says whose", () => {
    expect(rateOn(RATES, 'EUR', '2027-02')).toEqual({
      month: '2027-02',
      rate: 1.25,
      rateMonth: '2026-11',
    });
    expect(rateOn(RATES, 'GBP', '2026-12')).toEqual({
      month: '2026-12',
      rate: 2,
      rateMonth: '2026-11',
    });
  });

  it('has none before the first month of a currency, nor for a currency without rates', () => {
    expect(rateOn(RATES, 'EUR', '2026-09')).toBeNull();
    expect(rateOn(RATES, 'GBP', '2026-10')).toBeNull();
    expect(rateOn(RATES, 'CHF', '2026-11')).toBeNull();
  });
});

describe('convertDailyCosts', () => {
  const rows = [
    { usage_date: '2026-09-30', currency: 'EUR', cost: 10 },
    { usage_date: '2026-10-31', currency: 'EUR', cost: 4 },
    { usage_date: '2026-11-01', currency: 'EUR', cost: 8 },
    { usage_date: '2026-11-01', currency: 'USD', cost: 3 },
    { usage_date: '2026-10-31', currency: 'GBP', cost: 5 },
    { usage_date: '2026-11-02', currency: 'GBP', cost: 1 },
    { usage_date: '2026-11-02', currency: 'CHF', cost: 7 },
  ];

  it("converts each day at its month's rate and keeps what no rate converts as billed", () => {
    const { rows: converted } = convertDailyCosts(rows, RATES, {
      from: '2026-09-01',
      to: '2026-11-30',
    });
    expect(converted).toEqual([
      { usage_date: '2026-09-30', currency: 'EUR', cost: 10 },
      { usage_date: '2026-10-31', currency: 'USD', cost: 6 },
      { usage_date: '2026-11-01', currency: 'USD', cost: 10 },
      { usage_date: '2026-11-01', currency: 'USD', cost: 3 },
      { usage_date: '2026-10-31', currency: 'GBP', cost: 5 },
      { usage_date: '2026-11-02', currency: 'USD', cost: 2 },
      { usage_date: '2026-11-02', currency: 'CHF', cost: 7 },
    ]);
  });

  it("tells what it converted in the period only, by currency, with each month's rate", () => {
    expect(
      convertDailyCosts(rows, RATES, { from: '2026-10-01', to: '2026-11-30' })
        .converted,
    ).toEqual([
      {
        currency: 'EUR',
        amount: 12,
        convertedAmount: 16,
        rates: [
          { month: '2026-10', rate: 1.5 },
          { month: '2026-11', rate: 1.25 },
        ],
      },
      {
        currency: 'GBP',
        amount: 1,
        convertedAmount: 2,
        rates: [{ month: '2026-11', rate: 2 }],
      },
    ]);
    expect(
      convertDailyCosts(rows, RATES, { from: '2026-11-02', to: '2026-11-02' })
        .converted,
    ).toEqual([
      {
        currency: 'GBP',
        amount: 1,
        convertedAmount: 2,
        rates: [{ month: '2026-11', rate: 2 }],
      },
    ]);
  });

  it('gives figures in the display currency, even with more cost in another, and lists the unconverted rest apart', () => {
    const period = { from: '2026-10-31', to: '2026-11-02' };
    const analysis = analyseHistory(
      convertDailyCosts(rows, RATES, period).rows,
      period,
      historyWindow(period, '2026-11-02'),
      true,
      undefined,
      'USD',
    );
    expect(analysis.currency).toBe('USD');
    expect(analysis.daily).toEqual([
      { date: '2026-10-31', cost: 6 },
      { date: '2026-11-01', cost: 13 },
      { date: '2026-11-02', cost: 2 },
    ]);
    expect(analysis.total).toBe(21);
    expect(
      [...analysis.otherCurrencies].sort((a, b) =>
        a.currency.localeCompare(b.currency),
      ),
    ).toEqual([
      { currency: 'CHF', total: 7 },
      { currency: 'GBP', total: 5 },
    ]);
  });
});

describe('budgets with a display currency', () => {
  const upToAsOf = [
    { date: '2026-10-31', cost: 1000 },
    { date: '2026-11-01', cost: 30 },
    { date: '2026-11-02', cost: 20 },
  ];
  const common = {
    currency: 'USD',
    asOf: '2026-11-02',
    upToAsOf,
    forecastTotal: 250,
    exchangeRates: RATES,
  };

  it("converts a budget in another currency at its month's rate", () => {
    const options = {
      ...common,
      stored: { amount: 80, currency: 'EUR' },
    };
    expect(budgetStatus(options)).toEqual({
      amount: 100,
      currency: 'USD',
      source: 'api',
      month: '2026-11',
      actual: 50,
      forecast: 250,
      actualShare: 0.5,
      forecastShare: 2.5,
      convertedFrom: {
        amount: 80,
        currency: 'EUR',
        rate: { month: '2026-11', rate: 1.25 },
      },
    });
    expect(unconvertedBudget(options)).toBeUndefined();
  });

  it("takes an annotation's amount without a currency in the display currency", () => {
    expect(
      budgetStatus({ ...common, annotation: { amount: 200 } }),
    ).toMatchObject({
      amount: 200,
      currency: 'USD',
      source: 'annotation',
      actualShare: 0.25,
    });
  });

  it('leaves out a budget no rate converts, and says which', () => {
    const options = {
      ...common,
      asOf: '2026-10-31',
      annotation: { amount: 500, currency: 'GBP' },
    };
    expect(budgetStatus(options)).toBeNull();
    expect(unconvertedBudget(options)).toEqual({
      amount: 500,
      currency: 'GBP',
      source: 'annotation',
      month: '2026-10',
    });
  });
});
