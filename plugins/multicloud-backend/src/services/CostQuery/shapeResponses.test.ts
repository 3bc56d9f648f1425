import { CostBreakdownItem } from '@multicloud/plugin-multicloud-common';
import { CostLineTotal } from '../../database/CostFactsStore';
import { addDays, eachDay } from '../CostAnalytics/dates';
import {
  analyseHistory,
  budgetStatus,
  buildLines,
  changeOf,
  historyWindow,
  HISTORY_DAYS,
  labelForDimension,
  Line,
  mainCurrency,
  moversOf,
  otherCurrencies,
  PeriodAnalysis,
  previousPeriod,
  round,
  seriesOf,
  shownLines,
  toBreakdown,
  toEntityCostResponse,
  toSeries,
  toSummaryResponse,
  unallocatedOf,
  uncoveredCost,
  withUncoveredLine,
} from './shapeResponses';

function line(key: string, cost: number, previousCost = 0): Line {
  return { key, label: key, cost, previousCost, daily: new Map() };
}

function lineTotal(overrides: Partial<CostLineTotal>): CostLineTotal {
  return {
    key: 'k',
    currency: 'USD',
    cost: 1,
    previousCost: 0,
    label: null,
    entityRef: null,
    provider: null,
    ...overrides,
  };
}

const day = (usage_date: string, cost: number, currency = 'USD') => ({
  usage_date,
  currency,
  cost,
});

describe('periods and currencies', () => {
  it('takes the period before of the same number of days', () => {
    expect(previousPeriod({ from: '2026-10-01', to: '2026-10-31' })).toEqual({
      from: '2026-08-31',
      to: '2026-09-30',
    });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-01' })).toEqual({
      from: '2026-02-28',
      to: '2026-02-28',
    });
  });

  it('reads history up to the last day with data, or to the end of the period when data goes past it', () => {
    const period = { from: '2026-10-01', to: '2026-10-31' };
    expect(historyWindow(period, '2026-10-12')).toEqual({
      previous: { from: '2026-08-31', to: '2026-09-30' },
      asOf: '2026-10-12',
      days: { from: addDays('2026-10-12', -HISTORY_DAYS), to: '2026-10-31' },
    });
    expect(historyWindow(period, '2026-12-01').asOf).toBe('2026-10-31');
    expect(historyWindow(period, null).asOf).toBe('2026-10-31');
    // History reaches as far back for a short period.
    expect(
      historyWindow({ from: '2026-10-01', to: '2026-10-02' }, '2027-01-01')
        .days,
    ).toEqual({ from: addDays('2026-10-02', -HISTORY_DAYS), to: '2026-10-02' });
  });

  it('takes the currency with the most cost, credits counting by their size, USD when there is none', () => {
    expect(
      mainCurrency([
        { currency: 'EUR', cost: 30 },
        { currency: 'USD', cost: 20 },
        { currency: 'USD', cost: 15 },
      ]),
    ).toBe('USD');
    expect(
      mainCurrency([
        { currency: 'EUR', cost: -50 },
        { currency: 'USD', cost: 20 },
      ]),
    ).toBe('EUR');
    expect(mainCurrency([])).toBe('USD');
  });

  it('makes one rounded point per day in one currency, zero where nothing was billed', () => {
    const rows = [
      day('2026-10-01', 1.0000001),
      day('2026-10-01', 2),
      day('2026-10-03', 4),
      day('2026-10-02', 99, 'EUR'),
      day('2026-10-09', 99),
    ];
    expect(seriesOf(rows, 'USD', '2026-10-01', '2026-10-03')).toEqual([
      { date: '2026-10-01', cost: 3 },
      { date: '2026-10-02', cost: 0 },
      { date: '2026-10-03', cost: 4 },
    ]);
  });

  it("totals the period's other currencies", () => {
    const rows = [
      day('2026-10-01', 5, 'EUR'),
      day('2026-10-02', 2.5, 'EUR'),
      day('2026-09-30', 100, 'EUR'),
      day('2026-10-02', 3, 'GBP'),
      day('2026-10-02', 50),
    ];
    expect(
      otherCurrencies(rows, 'USD', { from: '2026-10-01', to: '2026-10-31' }),
    ).toEqual([
      { currency: 'EUR', total: 7.5 },
      { currency: 'GBP', total: 3 },
    ]);
  });
});

describe('analyseHistory', () => {
  const period = { from: '2026-10-01', to: '2026-10-31' };

  it('sums the period and the one before in the main currency, and forecasts the month from the data', () => {
    const rows = [
      ...eachDay('2026-08-01', '2026-10-10').map(d => day(d, 10)),
      day('2026-10-05', 3, 'EUR'),
    ];
    const window = historyWindow(period, '2026-10-10');
    const analysis = analyseHistory(rows, period, window, true);

    expect(analysis.currency).toBe('USD');
    expect(analysis.daily).toHaveLength(31);
    expect(analysis.total).toBe(100);
    expect(analysis.previousTotal).toBe(310);
    expect(analysis.asOf).toBe('2026-10-10');
    expect(analysis.upToAsOf.at(-1)).toEqual({ date: '2026-10-10', cost: 10 });
    expect(analysis.forecast?.periodEnd).toBe('2026-10-31');
    expect(analysis.forecast?.monthTotal).toBeCloseTo(310, 0);
    expect(analysis.anomalies).toEqual([]);
    expect(analysis.otherCurrencies).toEqual([{ currency: 'EUR', total: 3 }]);
  });

  it('flags a spike in the period against its weekday baseline', () => {
    const rows = eachDay('2026-08-01', '2026-10-20').map(d =>
      day(d, d === '2026-10-14' ? 200 : 10),
    );
    const analysis = analyseHistory(
      rows,
      period,
      historyWindow(period, '2026-10-20'),
      true,
    );
    expect(analysis.anomalies.map(a => a.date)).toEqual(['2026-10-14']);
  });

  it('has no forecast without data, or when the data ends before the period', () => {
    expect(
      analyseHistory([], period, historyWindow(period, null), false).forecast,
    ).toBeNull();
    const before = historyWindow(period, '2026-09-20');
    expect(
      analyseHistory(
        eachDay('2026-08-01', '2026-09-20').map(d => day(d, 10)),
        period,
        before,
        true,
      ).forecast,
    ).toBeNull();
  });
});

describe('breakdown lines', () => {
  it('keeps the main currency, drops lines with no cost in either period and puts the largest first', () => {
    const lines = buildLines(
      [
        lineTotal({ key: 'small', cost: 1 }),
        lineTotal({
          key: 'big',
          cost: 10,
          entityRef: 'resource:default/a',
          provider: 'AWS',
        }),
        lineTotal({ key: 'gone', cost: 0, previousCost: 4 }),
        lineTotal({ key: 'empty', cost: 0, previousCost: 0 }),
        lineTotal({ key: 'tie', cost: 1, previousCost: 2 }),
        lineTotal({ key: 'euro', cost: 50, currency: 'EUR' }),
      ],
      'USD',
      row => `label of ${row.key}`,
    );
    expect(lines.map(l => [l.key, l.label, l.entityRef, l.provider])).toEqual([
      ['big', 'label of big', 'resource:default/a', 'AWS'],
      ['tie', 'label of tie', undefined, undefined],
      ['small', 'label of small', undefined, undefined],
      ['gone', 'label of gone', undefined, undefined],
    ]);
  });

  it('labels lines by their title, else their key, else by what an empty key means', () => {
    expect(labelForDimension('region', lineTotal({ key: '' }))).toBe(
      'No region',
    );
    expect(labelForDimension('resource', lineTotal({ key: '' }))).toBe(
      'No resource (shared charges)',
    );
    expect(
      labelForDimension('resource', lineTotal({ key: 'i-1', label: 'web' })),
    ).toBe('web');
    expect(labelForDimension('resource', lineTotal({ key: 'i-1' }))).toBe(
      'i-1',
    );
    expect(
      labelForDimension(
        'owner',
        lineTotal({ key: 'group:default/a', label: 'Team A' }),
      ),
    ).toBe('Team A');
    expect(labelForDimension('service', lineTotal({ key: '' }))).toBe('(none)');
  });

  it('gives each line its share, rounded costs and its entity and provider only when it has them', () => {
    const lines = [
      {
        ...line('a', 7.1234567, 1),
        entityRef: 'resource:default/a',
        provider: 'AWS',
      },
      line('b', 2.8765433),
    ];
    expect(toBreakdown(lines, 10)).toEqual([
      {
        key: 'a',
        label: 'a',
        cost: 7.123457,
        share: 7.1234567 / 10,
        previousCost: 1,
        entityRef: 'resource:default/a',
        provider: 'AWS',
      },
      {
        key: 'b',
        label: 'b',
        cost: 2.876543,
        share: 2.8765433 / 10,
        previousCost: 0,
      },
    ]);
    expect(toBreakdown([line('a', 0, 3)], 0)[0].share).toBe(0);
    expect(Object.keys(toBreakdown(lines, 10)[0])).toEqual([
      'key',
      'label',
      'cost',
      'share',
      'previousCost',
      'entityRef',
      'provider',
    ]);
  });

  it('charts the six largest positive lines and the rest of each day as other', () => {
    const daily = [
      { date: '2026-10-01', cost: 100 },
      { date: '2026-10-02', cost: 50 },
    ];
    const lines = [10, 9, 8, 7, 6, 5, 4, -1].map((cost, i) => {
      const l = line(`l${i}`, cost);
      l.daily.set('2026-10-01', cost);
      return l;
    });
    expect(shownLines(lines).map(l => l.key)).toEqual([
      'l0',
      'l1',
      'l2',
      'l3',
      'l4',
      'l5',
    ]);

    const series = toSeries(lines, daily);
    expect(series.map(s => [s.key, s.values])).toEqual([
      ['l0', [10, 0]],
      ['l1', [9, 0]],
      ['l2', [8, 0]],
      ['l3', [7, 0]],
      ['l4', [6, 0]],
      ['l5', [5, 0]],
      ['other', [55, 50]],
    ]);
    expect(series.at(-1)?.label).toBe('Other');
    expect(toSeries(lines.slice(0, 3), daily).map(s => s.key)).toEqual([
      'l0',
      'l1',
      'l2',
    ]);
  });

  it('puts the lines that changed the most first, ten at most', () => {
    const breakdown: CostBreakdownItem[] = Array.from(
      { length: 12 },
      (_, i) => ({
        key: `k${i}`,
        label: `k${i}`,
        cost: 10,
        previousCost: i % 2 ? 10 + i : 10 - i,
        share: 0,
      }),
    );
    expect(moversOf(breakdown).map(b => b.key)).toEqual([
      'k11',
      'k10',
      'k9',
      'k8',
      'k7',
      'k6',
      'k5',
      'k4',
      'k3',
      'k2',
    ]);
  });
});

describe('cost no line covers', () => {
  it('is shown only beyond half a cent in the period or the one before', () => {
    const lines = [line('a', 10, 5), line('b', 5, 5)];
    expect(uncoveredCost(lines, 15.004, 10.004)).toBeNull();
    expect(uncoveredCost(lines, 15, 12)).toEqual({ cost: 0, previousCost: 2 });
    expect(uncoveredCost(lines, 18, 10)).toEqual({ cost: 3, previousCost: 0 });
  });

  it("becomes a line of its own with each day's total less what the lines cover", () => {
    const a = line('group:default/a', 10, 5);
    const b = line('group:default/b', 2);
    const daily = [
      { date: '2026-10-01', cost: 9 },
      { date: '2026-10-02', cost: 6 },
    ];
    const lines = withUncoveredLine(
      [a, b],
      { cost: 3, previousCost: 0 },
      'owner',
      daily,
      new Map([['2026-10-01', 8]]),
    );
    expect(lines.map(l => [l.key, l.label, l.cost])).toEqual([
      ['group:default/a', 'group:default/a', 10],
      ['unallocated', 'Unallocated (no owner)', 3],
      ['group:default/b', 'group:default/b', 2],
    ]);
    expect([...lines[1].daily]).toEqual([
      ['2026-10-01', 1],
      ['2026-10-02', 6],
    ]);
  });
});

describe('totals', () => {
  it('compares with the period before, with no percentage from zero', () => {
    const previous = { from: '2026-09-01', to: '2026-09-30' };
    expect(changeOf(150, 100, previous)).toEqual({
      ...previous,
      total: 100,
      change: 50,
      changePercent: 0.5,
    });
    expect(changeOf(50, -100, previous).changePercent).toBe(1.5);
    expect(changeOf(50, 0, previous).changePercent).toBeNull();
  });

  it("gives the organisation's unallocated cost and its share", () => {
    expect(
      unallocatedOf(
        new Map([
          ['*', 200],
          ['unallocated', 50.0000004],
        ]),
      ),
    ).toEqual({ cost: 50, share: 50.0000004 / 200 });
    expect(unallocatedOf(new Map())).toEqual({ cost: 0, share: 0 });
  });

  it('rounds to a millionth', () => {
    expect(round(1.23456749)).toBe(1.234567);
  });
});

describe('budgetStatus', () => {
  const upToAsOf = [
    { date: '2026-09-30', cost: 1000 },
    { date: '2026-10-01', cost: 100 },
    { date: '2026-10-02', cost: 50 },
  ];

  it('prefers the budget set through the API to the annotation', () => {
    expect(
      budgetStatus({
        stored: { amount: 600, currency: 'EUR' },
        annotation: { amount: 500, currency: 'USD' },
        currency: 'USD',
        asOf: '2026-10-02',
        upToAsOf,
        forecastTotal: 450,
      }),
    ).toEqual({
      amount: 600,
      currency: 'EUR',
      source: 'api',
      month: '2026-10',
      actual: 150,
      forecast: 450,
      actualShare: 0.25,
      forecastShare: 0.75,
    });
  });

  it("takes the annotation's amount in the entity's currency when it names none", () => {
    expect(
      budgetStatus({
        annotation: { amount: 300 },
        currency: 'GBP',
        asOf: '2026-10-02',
        upToAsOf,
        forecastTotal: null,
      }),
    ).toEqual({
      amount: 300,
      currency: 'GBP',
      source: 'annotation',
      month: '2026-10',
      actual: 150,
      forecast: null,
      actualShare: 0.5,
      forecastShare: null,
    });
  });

  it('is null without a budget', () => {
    expect(
      budgetStatus({
        currency: 'USD',
        asOf: '2026-10-02',
        upToAsOf,
        forecastTotal: 10,
      }),
    ).toBeNull();
  });
});

describe('responses', () => {
  const period = { from: '2026-10-01', to: '2026-10-02' };
  const lines = [line('EC2', 8, 2), line('S3', 2)];
  lines[0].daily.set('2026-10-01', 5).set('2026-10-02', 3);
  lines[1].daily.set('2026-10-01', 2);
  const analysis: PeriodAnalysis = {
    currency: 'USD',
    daily: [
      { date: '2026-10-01', cost: 7 },
      { date: '2026-10-02', cost: 3 },
    ],
    total: 10,
    previousTotal: 2,
    previous: { from: '2026-09-29', to: '2026-09-30' },
    asOf: '2026-10-02',
    upToAsOf: [],
    forecast: null,
    anomalies: [],
    otherCurrencies: [{ currency: 'EUR', total: 1 }],
    lines,
    unallocated: { cost: 1, share: 0.1 },
  };

  it('answers for an entity, its fields in the order the API has always sent them', () => {
    const response = toEntityCostResponse(
      {
        entityRef: 'component:default/api',
        period,
        groupBy: 'service',
        metric: 'billed',
      },
      analysis,
      {
        budget: null,
        costByPath: new Map([
          ['resource', 6.0000001],
          ['tag', 4],
          ['none', 99],
        ]),
        lastImportAt: '2026-10-03T00:00:00.000Z',
      },
    );
    expect(JSON.stringify(response)).toBe(
      JSON.stringify({
        entityRef: 'component:default/api',
        from: '2026-10-01',
        to: '2026-10-02',
        metric: 'billed',
        groupBy: 'service',
        currency: 'USD',
        total: 10,
        daily: analysis.daily,
        breakdown: [
          { key: 'EC2', label: 'EC2', cost: 8, share: 0.8, previousCost: 2 },
          { key: 'S3', label: 'S3', cost: 2, share: 0.2, previousCost: 0 },
        ],
        breakdownSeries: [
          { key: 'EC2', label: 'EC2', values: [5, 3] },
          { key: 'S3', label: 'S3', values: [2, 0] },
        ],
        previous: {
          from: '2026-09-29',
          to: '2026-09-30',
          total: 2,
          change: 8,
          changePercent: 4,
        },
        forecast: null,
        budget: null,
        anomalies: [],
        attribution: { byResource: 6, byTag: 4 },
        unallocated: { cost: 1, share: 0.1 },
        otherCurrencies: [{ currency: 'EUR', total: 1 }],
        lastImportAt: '2026-10-03T00:00:00.000Z',
      }),
    );
    expect(
      toEntityCostResponse(
        {
          entityRef: 'component:default/api',
          period,
          groupBy: 'service',
          metric: 'billed',
        },
        analysis,
        { budget: null, costByPath: new Map(), lastImportAt: null },
      ).attribution,
    ).toEqual({ byResource: 0, byTag: 0 });
  });

  it('answers for the organisation with the largest movers, its fields in the order the API has always sent them', () => {
    const response = toSummaryResponse(
      { period, groupBy: 'service', metric: 'effective' },
      analysis,
      lines,
      null,
    );
    expect(Object.keys(response)).toEqual([
      'from',
      'to',
      'metric',
      'groupBy',
      'currency',
      'total',
      'daily',
      'breakdown',
      'breakdownSeries',
      'previous',
      'forecast',
      'movers',
      'unallocated',
      'otherCurrencies',
      'lastImportAt',
    ]);
    expect(response).toMatchObject({
      metric: 'effective',
      groupBy: 'service',
      total: 10,
      movers: [
        { key: 'EC2', cost: 8, previousCost: 2 },
        { key: 'S3', cost: 2, previousCost: 0 },
      ],
      lastImportAt: null,
    });
  });
});
