import { PeriodSelection } from '../../lib/period';
import {
  MAX_PERIOD_DAYS,
  parseCostTabQuery,
  resolveCostTabPeriod,
  writeCostTabQuery,
} from './costTabQuery';

const today = '2025-03-15';
const defaultSelection: PeriodSelection = {
  preset: 'last30',
  from: '2025-02-14',
  to: today,
};

const parse = (query: string) =>
  parseCostTabQuery(new URLSearchParams(query), today);

describe('parseCostTabQuery', () => {
  it('reads the custom period and grouping of an alert link', () => {
    expect(parse('from=2025-01-01&to=2025-01-31&groupBy=region')).toEqual({
      selection: { preset: 'custom', from: '2025-01-01', to: '2025-01-31' },
      groupBy: 'region',
      problems: [],
    });
  });

  it('reads a period that ends today', () => {
    expect(parse('period=last7&groupBy=account')).toEqual({
      selection: { ...defaultSelection, preset: 'last7' },
      groupBy: 'account',
      problems: [],
    });
  });

  it('lets from and to win over a preset', () => {
    expect(
      parse('period=last7&from=2025-01-01&to=2025-01-02').selection,
    ).toEqual({ preset: 'custom', from: '2025-01-01', to: '2025-01-02' });
  });

  it.each(['', 'from=&to=&groupBy=&period=', 'unrelated=1'])(
    'takes the defaults silently from %j',
    query => {
      expect(parse(query)).toEqual({
        selection: defaultSelection,
        groupBy: 'service',
        problems: [],
      });
    },
  );

  it('takes the longest period the API answers for', () => {
    // 2023-03-14 to 2025-03-15 is 733 days; one day later is 732.
    expect(parse('from=2023-03-15&to=2025-03-15')).toMatchObject({
      selection: { preset: 'custom', from: '2023-03-15', to: '2025-03-15' },
      problems: [],
    });
  });

  it.each([
    ['from=2025-03-10&to=2025-03-01', /starts \(2025-03-10\) after it ends/],
    ['from=2023-03-14&to=2025-03-15', /has 733 days, and at most 732/],
    ['from=2025-02-30&to=2025-03-01', /"2025-02-30" must be real dates/],
    ['from=yesterday&to=today', /"yesterday" and "today" must be real dates/],
    ['from=2025-03-01', /needs both from and to, got only from/],
    ['to=2025-03-01', /needs both from and to, got only to/],
  ])('falls back to the last 30 days from %s', (query, problem) => {
    const parsed = parse(`${query}&groupBy=provider`);
    expect(parsed.selection).toEqual(defaultSelection);
    expect(parsed.groupBy).toBe('provider');
    expect(parsed.problems).toEqual([expect.stringMatching(problem)]);
    expect(parsed.problems[0]).toMatch(/Showing the last 30 days instead\.$/);
  });

  it('falls back from a preset and a grouping it does not know', () => {
    expect(parse('period=forever&groupBy=owner')).toEqual({
      selection: defaultSelection,
      groupBy: 'service',
      problems: [
        'The link\'s period "forever" is not one of last7, last30, last90, monthToDate. Showing the last 30 days instead.',
        'The link\'s grouping "owner" is not one of service, provider, account, region, resource. Grouping by service instead.',
      ],
    });
  });

  it('keeps a notice short whatever the link holds', () => {
    const [problem] = parse(`groupBy=${'x'.repeat(5000)}`).problems;
    expect(problem).toContain(`"${'x'.repeat(40)}…"`);
    expect(problem.length).toBeLessThan(200);
  });
});

describe('writeCostTabQuery', () => {
  it('writes a custom period as from and to, and keeps other parameters', () => {
    const query = writeCostTabQuery(
      new URLSearchParams('tab=x&period=last7&groupBy=service'),
      {
        selection: { preset: 'custom', from: '2025-01-01', to: '2025-01-31' },
        groupBy: 'resource',
      },
    );
    expect(query.toString()).toBe(
      'tab=x&from=2025-01-01&to=2025-01-31&groupBy=resource',
    );
  });

  it('writes a period ending today as its preset', () => {
    const query = writeCostTabQuery(
      new URLSearchParams('from=2025-01-01&to=2025-01-31&groupBy=service'),
      {
        selection: { preset: 'monthToDate', from: '2025-01-01', to: today },
        groupBy: 'region',
      },
    );
    expect(query.toString()).toBe('period=monthToDate&groupBy=region');
  });

  it('writes what it reads back', () => {
    const view = {
      selection: { preset: 'custom' as const, from: '2024-12-01', to: today },
      groupBy: 'account' as const,
    };
    expect(
      parseCostTabQuery(writeCostTabQuery(new URLSearchParams(), view), today),
    ).toEqual({ ...view, problems: [] });
  });
});

describe('resolveCostTabPeriod', () => {
  it('refuses a custom period longer than the API answers for', () => {
    expect(
      resolveCostTabPeriod(
        { preset: 'custom', from: '2023-01-01', to: today },
        today,
      ),
    ).toEqual({
      error: `The period has 805 days; at most ${MAX_PERIOD_DAYS} can be shown at once.`,
    });
  });

  it('keeps the picker’s own checks', () => {
    expect(
      resolveCostTabPeriod(
        { preset: 'custom', from: '2025-03-02', to: '2025-03-01' },
        today,
      ).error,
    ).toBe('The start date must be on or before the end date.');
    expect(
      resolveCostTabPeriod({ ...defaultSelection, preset: 'last90' }, today),
    ).toEqual({ period: { from: '2024-12-16', to: today } });
  });
});
