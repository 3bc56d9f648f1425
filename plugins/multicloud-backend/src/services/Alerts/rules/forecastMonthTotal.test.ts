import { addDays } from '../../CostAnalytics/dates';
import {
  forecastMonth,
  forecastMonthTotal,
} from '../../CostAnalytics/forecast';
import { syntheticSeries } from '../../CostAnalytics/__testUtils__/syntheticSeries';

/*
 * The cost rules skip the forecast's backtest when the point forecast is
 * within the budget; that is only sound if the shortcut gives the very same
 * total as the full forecast.
 */
describe('forecastMonthTotal', () => {
  const series = syntheticSeries({
    from: '2026-05-01',
    to: '2026-10-31',
    level: 100,
    trendPerDay: 0.4,
    noise: 0.1,
  });

  it.each([
    ['a long history', '2026-10-12', '2026-05-01'],
    ['the last day of a month', '2026-09-30', '2026-05-01'],
    ['the first day of a month', '2026-10-01', '2026-05-01'],
    ['under two weeks of history', '2026-10-19', '2026-10-09'],
    ['one day of history', '2026-10-19', '2026-10-19'],
  ])('equals forecastMonth’s monthTotal on %s', (_, asOf, from) => {
    const daily = series.daily.filter(p => p.date >= from && p.date <= asOf);
    expect(forecastMonthTotal(daily, { asOf })).toBe(
      forecastMonth(daily, { asOf })!.monthTotal,
    );
  });

  it('is null without history, as forecastMonth is', () => {
    const later = series.daily.filter(p => p.date > '2026-10-12');
    expect(forecastMonthTotal(later, { asOf: '2026-10-12' })).toBeNull();
    expect(forecastMonth(later, { asOf: '2026-10-12' })).toBeNull();
    expect(
      forecastMonthTotal(series.daily, { asOf: addDays('2026-05-01', -1) }),
    ).toBeNull();
  });
});
