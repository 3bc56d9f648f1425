import {
  CostSummaryResponse,
  EntityCostResponse,
  MulticloudHealth,
} from '@multicloud/plugin-multicloud-common';
import { MulticloudApi } from '../api';

/**
 * Freezes the clock's date (not its timers) so that periods ending today are
 * known to the test.
 */
export function freezeToday(date: string) {
  jest.useFakeTimers({
    now: new Date(`${date}T10:00:00Z`),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/** Every method of the MulticloudApi, for {@link mockMulticloudApi}. */
const API_METHODS: ReadonlyArray<keyof MulticloudApi> = [
  'getHealth',
  'getEntityCost',
  'getCostSummary',
  'getTopology',
  'setBudget',
  'deleteBudget',
  'getAlerts',
  'getAlertsSummary',
  'getAlertHistory',
  'acknowledgeAlert',
  'snoozeAlert',
  'dismissAlert',
  'reopenAlert',
  'createAlertSilence',
  'expireAlertSilence',
  'getSources',
  'refreshSource',
  'getInventory',
];

/**
 * A MulticloudApi whose methods are jest mocks, failing unless told otherwise
 * (`getHealth` answers a healthy backend).
 */
export function mockMulticloudApi(
  implementation: Partial<MulticloudApi> = {},
): jest.Mocked<MulticloudApi> {
  const defaults: Partial<MulticloudApi> = {
    getHealth: async () => healthResponse(),
  };
  const api: Record<string, jest.Mock> = {};
  for (const name of API_METHODS) {
    const given = implementation[name] ?? defaults[name];
    api[name] = given
      ? jest.fn(given as (...args: any[]) => any)
      : jest.fn(async () => {
          throw new Error(`${name} is not mocked`);
        });
  }
  return api as unknown as jest.Mocked<MulticloudApi>;
}

function dates(from: string, days: number): string[] {
  return Array.from({ length: days }, (_, day) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + day * 86_400_000)
      .toISOString()
      .slice(0, 10),
  );
}

/** Cost of `component:default/checkout` from 2025-03-01 to 2025-03-15 by resource. */
export function entityCostResponse(
  overrides: Partial<EntityCostResponse> = {},
): EntityCostResponse {
  const days = dates('2025-03-01', 15);
  const database = days.map(() => 60);
  const cache = days.map(() => 40);
  return {
    entityRef: 'component:default/checkout',
    from: '2025-03-01',
    to: '2025-03-15',
    metric: 'effective',
    groupBy: 'resource',
    currency: 'USD',
    total: 1500,
    daily: days.map(date => ({ date, cost: 100 })),
    breakdown: [
      {
        key: 'arn:aws:rds:eu-west-1:123456789012:db:checkout',
        label: 'checkout-db',
        cost: 900,
        share: 0.6,
        previousCost: 750,
        entityRef: 'resource:default/checkout-db-1a2b3c',
        provider: 'AWS',
      },
      {
        key: 'arn:aws:elasticache:eu-west-1:123456789012:cluster:sessions',
        label: 'sessions-cache',
        cost: 600,
        share: 0.4,
        previousCost: 500,
        provider: 'AWS',
      },
    ],
    breakdownSeries: [
      { key: 'checkout-db', label: 'checkout-db', values: database },
      { key: 'sessions-cache', label: 'sessions-cache', values: cache },
    ],
    previous: {
      from: '2025-02-14',
      to: '2025-02-28',
      total: 1250,
      change: 250,
      changePercent: 0.2,
    },
    forecast: {
      periodEnd: '2025-03-31',
      monthTotal: 3100,
      monthLower: 2900,
      monthUpper: 3400,
      daily: dates('2025-03-16', 16).map(date => ({
        date,
        cost: 100,
        lower: 90,
        upper: 115,
      })),
      mape: 0.083,
      coverage: { level: 0.8, day: 0.78, month: 0.74 },
    },
    budget: {
      amount: 2500,
      currency: 'USD',
      source: 'api',
      month: '2025-03',
      actual: 1500,
      forecast: 3100,
      actualShare: 0.6,
      forecastShare: 1.24,
    },
    anomalies: [
      {
        date: '2025-03-10',
        cost: 100,
        expected: 40,
        delta: 60,
        deltaPercent: 1.5,
        score: 4.2,
        direction: 'spike',
      },
    ],
    attribution: { byResource: 1200, byTag: 300 },
    unallocated: { cost: 4000, share: 0.125 },
    otherCurrencies: [],
    lastImportAt: '2025-03-15T06:00:00Z',
    ...overrides,
  };
}

/** The organisation's cost from 2025-03-01 to 2025-03-15, by `groupBy`. */
export function costSummaryResponse(
  groupBy: CostSummaryResponse['groupBy'],
  overrides: Partial<CostSummaryResponse> = {},
): CostSummaryResponse {
  const days = dates('2025-03-01', 15);
  const lines: Record<string, CostSummaryResponse['breakdown']> = {
    owner: [
      {
        key: 'group:default/payments',
        label: 'Payments',
        cost: 20000,
        share: 0.625,
        previousCost: 15000,
        entityRef: 'group:default/payments',
        taggedCost: 17000,
      },
      {
        key: 'group:default/search',
        label: 'Search',
        cost: 8000,
        share: 0.25,
        previousCost: 9000,
        entityRef: 'group:default/search',
        taggedCost: 2000,
      },
    ],
    system: [
      {
        key: 'system:default/shop',
        label: 'Shop',
        cost: 25000,
        share: 0.78125,
        previousCost: 22000,
        entityRef: 'system:default/shop',
      },
    ],
    provider: [
      {
        key: 'AWS',
        label: 'AWS',
        cost: 24000,
        share: 0.75,
        previousCost: 21000,
        provider: 'AWS',
      },
      {
        key: 'Microsoft',
        label: 'Microsoft',
        cost: 8000,
        share: 0.25,
        previousCost: 7000,
        provider: 'Microsoft',
      },
    ],
  };
  const breakdown = lines[groupBy] ?? [];
  return {
    from: '2025-03-01',
    to: '2025-03-15',
    metric: 'effective',
    groupBy,
    currency: 'USD',
    total: 32000,
    daily: days.map(date => ({ date, cost: 32000 / 15 })),
    breakdown,
    breakdownSeries: breakdown.map(line => ({
      key: line.key,
      label: line.label,
      values: days.map(() => line.cost / 15),
    })),
    previous: {
      from: '2025-02-14',
      to: '2025-02-28',
      total: 28000,
      change: 4000,
      changePercent: 4000 / 28000,
    },
    forecast: {
      periodEnd: '2025-03-31',
      monthTotal: 66000,
      monthLower: 60000,
      monthUpper: 72000,
      daily: [],
      mape: 0.05,
    },
    movers: [...breakdown].sort(
      (a, b) =>
        Math.abs(b.cost - b.previousCost) - Math.abs(a.cost - a.previousCost),
    ),
    unallocated: { cost: 4000, share: 0.125 },
    otherCurrencies: [],
    lastImportAt: '2025-03-15T06:00:00Z',
    ...overrides,
  };
}

/** A `/health` answer of a backend that has caught up. */
export function healthResponse(
  overrides: Partial<MulticloudHealth> = {},
): MulticloudHealth {
  return {
    status: 'ok',
    version: '1.0.0',
    database: 'sqlite',
    ready: true,
    pending: [],
    sources: [],
    cost: { folders: [], attribution: { upToDate: true } },
    ...overrides,
  };
}
