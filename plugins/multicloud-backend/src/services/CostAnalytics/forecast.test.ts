import { InputError } from '@backstage/errors';
import { CostDailyPoint } from '@multicloud/plugin-multicloud-common';
import { addDays, dayOfWeek, eachDay, endOfMonth, startOfMonth } from './dates';
import {
  backtestMape,
  createForecastCoverageCache,
  forecastCoverage,
  forecastMonth,
} from './forecast';
import { sumBetween, syntheticSeries } from './__testUtils__/syntheticSeries';

/** 19 weeks of history: weekly pattern, +0.4 a day on 100, 3% noise. */
const trending = syntheticSeries({
  from: '2026-06-01',
  to: '2026-12-31',
  level: 100,
  trendPerDay: 0.4,
  noise: 0.03,
});

function historyUpTo(daily: CostDailyPoint[], asOf: string): CostDailyPoint[] {
  return daily.filter(point => point.date <= asOf);
}

/** Actual cost of asOf's month so far plus the noise-free cost of its remaining days. */
function trueMonthTotal(
  series: ReturnType<typeof syntheticSeries>,
  asOf: string,
): number {
  const remaining = eachDay(addDays(asOf, 1), endOfMonth(asOf));
  return (
    sumBetween(series.daily, startOfMonth(asOf), asOf) +
    remaining.reduce((sum, date) => sum + series.expected(date), 0)
  );
}

describe('forecastMonth', () => {
  describe('on a series with a weekly pattern and a trend', () => {
    const asOf = '2026-10-12';
    const forecast = forecastMonth(historyUpTo(trending.daily, asOf), {
      asOf,
    })!;

    it('forecasts every remaining day of the month', () => {
      expect(forecast.periodEnd).toBe('2026-10-31');
      expect(forecast.daily.map(day => day.date)).toEqual(
        eachDay('2026-10-13', '2026-10-31'),
      );
    });

    it('follows the weekly pattern and the trend day by day', () => {
      for (const day of forecast.daily) {
        const ratio = day.cost / trending.expected(day.date);
        expect(Math.abs(ratio - 1)).toBeLessThan(0.05);
      }
      const saturday = forecast.daily.find(day => dayOfWeek(day.date) === 6)!;
      const tuesday = forecast.daily.find(day => dayOfWeek(day.date) === 2)!;
      expect(saturday.cost).toBeLessThan(tuesday.cost * 0.6);
    });

    it('lands within 2% of the true month total, inside its interval', () => {
      const truth = trueMonthTotal(trending, asOf);
      expect(Math.abs(forecast.monthTotal / truth - 1)).toBeLessThan(0.02);
      expect(forecast.monthLower).toBeLessThanOrEqual(truth);
      expect(forecast.monthUpper).toBeGreaterThanOrEqual(truth);
    });

    it('adds the actual cost of the month so far to the forecast days', () => {
      const remaining = forecast.daily.reduce((sum, day) => sum + day.cost, 0);
      expect(forecast.monthTotal).toBeCloseTo(
        sumBetween(trending.daily, '2026-10-01', asOf) + remaining,
        6,
      );
    });

    it('gives every day an interval around its forecast', () => {
      for (const day of forecast.daily) {
        expect(day.lower).toBeLessThanOrEqual(day.cost);
        expect(day.upper).toBeGreaterThanOrEqual(day.cost);
        expect(day.upper).toBeGreaterThan(day.lower);
      }
      expect(forecast.monthLower).toBeLessThan(forecast.monthTotal);
      expect(forecast.monthUpper).toBeGreaterThan(forecast.monthTotal);
    });

    it('reports a backtest error close to the noise', () => {
      // 3% normal noise has a mean absolute value of about 2.4%.
      expect(forecast.mape).toBeGreaterThan(0.015);
      expect(forecast.mape).toBeLessThan(0.04);
      expect(forecast.mape).toBe(
        backtestMape(historyUpTo(trending.daily, asOf)),
      );
    });
  });

  it('is barely moved by a one-off spike or month-start fees', () => {
    const asOf = '2026-11-18';
    const history = historyUpTo(trending.daily, asOf);
    const baseline = forecastMonth(history, { asOf })!;
    const disturbed = history.map(point => {
      if (point.date === '2026-11-12') {
        return { ...point, cost: point.cost * 5 };
      }
      if (point.date.endsWith('-01')) {
        return { ...point, cost: point.cost + 500 };
      }
      return point;
    });
    const forecast = forecastMonth(disturbed, { asOf })!;
    const remaining = (f: typeof forecast) =>
      f.daily.reduce((sum, day) => sum + day.cost, 0);
    expect(
      Math.abs(remaining(forecast) / remaining(baseline) - 1),
    ).toBeLessThan(0.01);
  });

  it('covers days and month totals about as often as its level says', () => {
    const noisy = syntheticSeries({
      from: '2026-01-01',
      to: '2027-12-31',
      level: 200,
      trendPerDay: 0.1,
      noise: 0.1,
      seed: 7,
    });
    const costByDate = new Map(noisy.daily.map(p => [p.date, p.cost]));
    const asOfs = eachDay('2026-04-01', '2027-11-30').filter(
      (_, index) => index % 3 === 0,
    );
    let monthsCovered = 0;
    let days = 0;
    let daysCovered = 0;
    for (const asOf of asOfs) {
      const forecast = forecastMonth(historyUpTo(noisy.daily, asOf), {
        asOf,
      })!;
      const actualTotal = sumBetween(
        noisy.daily,
        startOfMonth(asOf),
        endOfMonth(asOf),
      );
      if (
        forecast.monthLower <= actualTotal &&
        actualTotal <= forecast.monthUpper
      ) {
        monthsCovered++;
      }
      for (const day of forecast.daily) {
        const actual = costByDate.get(day.date)!;
        days++;
        if (day.lower <= actual && actual <= day.upper) {
          daysCovered++;
        }
      }
    }
    // Nominal 80%; a month-long horizon is sized from few past months, so
    // month totals fall a little short of it.
    expect(daysCovered / days).toBeGreaterThan(0.72);
    expect(daysCovered / days).toBeLessThan(0.88);
    expect(monthsCovered / asOfs.length).toBeGreaterThan(0.65);
    expect(monthsCovered / asOfs.length).toBeLessThan(0.95);
  });

  describe('intervals', () => {
    const drifting = syntheticSeries({
      from: '2026-05-01',
      to: '2026-10-31',
      level: 100,
      noise: 0.05,
      randomWalk: 2,
      seed: 3,
    });

    it('widen with the horizon, day by day', () => {
      const asOf = '2026-10-02';
      const forecast = forecastMonth(historyUpTo(drifting.daily, asOf), {
        asOf,
      })!;
      const widths = forecast.daily.map(day => day.upper - day.lower);
      for (let index = 1; index < widths.length; index++) {
        expect(widths[index]).toBeGreaterThanOrEqual(widths[index - 1] - 1e-9);
      }
      expect(widths[widths.length - 1]).toBeGreaterThan(widths[0] * 1.5);
    });

    it('narrow for the month total as the month runs out', () => {
      const widthAsOf = (asOf: string) => {
        const forecast = forecastMonth(historyUpTo(drifting.daily, asOf), {
          asOf,
        })!;
        return forecast.monthUpper - forecast.monthLower;
      };
      const early = widthAsOf('2026-10-03');
      const middle = widthAsOf('2026-10-15');
      const late = widthAsOf('2026-10-28');
      expect(early).toBeGreaterThan(middle);
      expect(middle).toBeGreaterThan(late);
      expect(widthAsOf('2026-10-31')).toBe(0);
    });

    // The drifting series' error variance grows steeply with the horizon: a
    // line through its first forecast day would leave that day none.
    it.each(['2026-07-30', '2026-08-30', '2026-09-29'])(
      'leave neither the next day nor the month total zero wide on %s, a day before the month end',
      asOf => {
        const forecast = forecastMonth(historyUpTo(drifting.daily, asOf), {
          asOf,
        })!;
        expect(forecast.daily).toHaveLength(1);
        const [day] = forecast.daily;
        expect(day.upper - day.lower).toBeGreaterThan(0.05 * day.cost);
        expect(forecast.monthUpper - forecast.monthTotal).toBeGreaterThan(
          0.025 * day.cost,
        );
        expect(forecast.monthTotal - forecast.monthLower).toBeGreaterThan(
          0.025 * day.cost,
        );
      },
    );

    it('are wider at a higher level', () => {
      const asOf = '2026-10-10';
      const history = historyUpTo(drifting.daily, asOf);
      const at80 = forecastMonth(history, { asOf })!;
      const at95 = forecastMonth(history, { asOf, level: 0.95 })!;
      expect(at95.monthLower).toBeLessThanOrEqual(at80.monthLower);
      expect(at95.monthUpper).toBeGreaterThan(at80.monthUpper);
      expect(at95.monthTotal).toBe(at80.monthTotal);
    });

    it('never go below zero', () => {
      const erratic = syntheticSeries({
        from: '2026-05-01',
        to: '2026-10-31',
        level: 3,
        noise: 1.5,
        seed: 11,
      });
      const asOf = '2026-10-06';
      const forecast = forecastMonth(historyUpTo(erratic.daily, asOf), {
        asOf,
      })!;
      const actual = sumBetween(erratic.daily, '2026-10-01', asOf);
      expect(forecast.daily.some(day => day.lower === 0)).toBe(true);
      for (const day of forecast.daily) {
        expect(day.lower).toBeGreaterThanOrEqual(0);
        expect(day.cost).toBeGreaterThanOrEqual(0);
      }
      expect(forecast.monthLower).toBeGreaterThanOrEqual(actual);
    });
  });

  describe('at the end of a month', () => {
    it('collapses to the actual on the last day', () => {
      const asOf = '2026-09-30';
      const forecast = forecastMonth(historyUpTo(trending.daily, asOf), {
        asOf,
      })!;
      const actual = sumBetween(trending.daily, '2026-09-01', asOf);
      expect(forecast).toEqual({
        periodEnd: asOf,
        monthTotal: actual,
        monthLower: actual,
        monthUpper: actual,
        daily: [],
        mape: expect.any(Number),
      });
    });

    it('knows February has 28 days in 2026', () => {
      const series = syntheticSeries({
        from: '2025-12-01',
        to: '2026-02-28',
        level: 50,
      });
      const forecast = forecastMonth(historyUpTo(series.daily, '2026-02-20'), {
        asOf: '2026-02-20',
      })!;
      expect(forecast.periodEnd).toBe('2026-02-28');
      expect(forecast.daily.map(day => day.date)).toEqual(
        eachDay('2026-02-21', '2026-02-28'),
      );
      expect(forecast.monthTotal).toBeCloseTo(
        sumBetween(series.daily, '2026-02-01', '2026-02-28'),
        6,
      );
    });

    it('knows February has 29 days in 2028', () => {
      const series = syntheticSeries({
        from: '2027-12-01',
        to: '2028-02-29',
        level: 50,
      });
      const forecast = forecastMonth(historyUpTo(series.daily, '2028-02-20'), {
        asOf: '2028-02-20',
      })!;
      expect(forecast.periodEnd).toBe('2028-02-29');
      expect(forecast.daily).toHaveLength(9);
      expect(forecast.daily[8].date).toBe('2028-02-29');

      const onLeapDay = forecastMonth(series.daily, { asOf: '2028-02-29' })!;
      expect(onLeapDay.daily).toEqual([]);
      expect(onLeapDay.monthTotal).toBeCloseTo(
        sumBetween(series.daily, '2028-02-01', '2028-02-29'),
        6,
      );
    });

    it('starts the month over on the first day', () => {
      const asOf = '2026-11-01';
      const forecast = forecastMonth(historyUpTo(trending.daily, asOf), {
        asOf,
      })!;
      expect(forecast.daily).toHaveLength(29);
      const remaining = forecast.daily.reduce((sum, day) => sum + day.cost, 0);
      expect(forecast.monthTotal - remaining).toBeCloseTo(
        sumBetween(trending.daily, asOf, asOf),
        6,
      );
    });
  });

  describe('with little history', () => {
    it('is null without any day up to asOf', () => {
      expect(forecastMonth([], { asOf: '2026-10-10' })).toBeNull();
      expect(
        forecastMonth([{ date: '2026-10-11', cost: 5 }], {
          asOf: '2026-10-10',
        }),
      ).toBeNull();
    });

    it('repeats the mean of under two weeks, with no MAPE', () => {
      const history = trending.daily.filter(
        point => point.date >= '2026-10-01' && point.date <= '2026-10-10',
      );
      const forecast = forecastMonth(history, { asOf: '2026-10-10' })!;
      const mean = sumBetween(history, '2026-10-01', '2026-10-10') / 10;
      expect(forecast.daily).toHaveLength(21);
      for (const day of forecast.daily) {
        expect(day.cost).toBeCloseTo(mean, 6);
        expect(day.lower).toBeLessThan(day.cost);
        expect(day.upper).toBeGreaterThan(day.cost);
      }
      expect(forecast.monthTotal).toBeCloseTo(31 * mean, 6);
      expect(forecast.mape).toBeNull();
    });

    it('repeats a single day, with no spread to measure yet', () => {
      const forecast = forecastMonth([{ date: '2026-10-30', cost: 12 }], {
        asOf: '2026-10-30',
      })!;
      expect(forecast.daily).toEqual([
        { date: '2026-10-31', cost: 12, lower: 12, upper: 12 },
      ]);
      expect(forecast.monthTotal).toBe(24);
      expect(forecast.mape).toBeNull();
    });

    it('uses the weekly pattern from two weeks on, still without MAPE', () => {
      const history = trending.daily.filter(
        point => point.date >= '2026-09-20' && point.date <= '2026-10-10',
      );
      const forecast = forecastMonth(history, { asOf: '2026-10-10' })!;
      const sunday = forecast.daily.find(day => dayOfWeek(day.date) === 0)!;
      const wednesday = forecast.daily.find(day => dayOfWeek(day.date) === 3)!;
      expect(sunday.cost).toBeLessThan(wednesday.cost * 0.6);
      expect(forecast.mape).toBeNull();
      expect(forecast.monthUpper).toBeGreaterThan(forecast.monthTotal);
      expect(forecast.monthLower).toBeLessThan(forecast.monthTotal);
    });
  });

  it('ignores days after asOf', () => {
    const asOf = '2026-10-12';
    expect(forecastMonth(trending.daily, { asOf })).toEqual(
      forecastMonth(historyUpTo(trending.daily, asOf), { asOf }),
    );
  });

  it('counts missing days as zero', () => {
    const asOf = '2026-10-12';
    const history = historyUpTo(trending.daily, asOf).map(point =>
      point.date === '2026-10-04' ? { ...point, cost: 0 } : point,
    );
    expect(
      forecastMonth(
        history.filter(point => point.date !== '2026-10-04'),
        { asOf },
      ),
    ).toEqual(forecastMonth(history, { asOf }));
  });

  it('rejects a bad level or asOf', () => {
    const history = historyUpTo(trending.daily, '2026-10-12');
    for (const level of [0, 1, 1.5, -0.2, NaN]) {
      expect(() =>
        forecastMonth(history, { asOf: '2026-10-12', level }),
      ).toThrow(InputError);
    }
    expect(() => forecastMonth(history, { asOf: '2026-10-32' })).toThrow(
      InputError,
    );
  });
});

describe('backtestMape', () => {
  const clean = syntheticSeries({
    from: '2026-03-01',
    to: '2026-08-31',
    level: 500,
    trendPerDay: 1,
    noise: 0.005,
  });
  const noisy = syntheticSeries({
    from: '2026-03-01',
    to: '2026-08-31',
    level: 500,
    trendPerDay: 1,
    noise: 0.15,
  });

  it('is small on a clean seasonal series', () => {
    expect(backtestMape(clean.daily)).toBeLessThan(0.01);
  });

  it('is about the noise on a noisy one', () => {
    // 15% normal noise has a mean absolute value of about 12%.
    const mape = backtestMape(noisy.daily)!;
    expect(mape).toBeGreaterThan(0.09);
    expect(mape).toBeLessThan(0.2);
    expect(mape).toBeGreaterThan(10 * backtestMape(clean.daily)!);
  });

  it('needs four weeks of history', () => {
    expect(backtestMape(clean.daily.slice(0, 27))).toBeNull();
    expect(backtestMape(clean.daily.slice(0, 28))).toEqual(expect.any(Number));
    expect(backtestMape([])).toBeNull();
  });

  it('is null when no day had any cost', () => {
    const zeros = eachDay('2026-01-01', '2026-03-31').map(date => ({
      date,
      cost: 0,
    }));
    expect(backtestMape(zeros)).toBeNull();
  });

  it('gets worse with a longer horizon on a drifting series', () => {
    const drifting = syntheticSeries({
      from: '2026-03-01',
      to: '2026-08-31',
      level: 500,
      randomWalk: 10,
      noise: 0.01,
      seed: 5,
    });
    expect(backtestMape(drifting.daily, { horizonDays: 1 })!).toBeLessThan(
      backtestMape(drifting.daily, { horizonDays: 7 })!,
    );
  });
});

describe('a series padded with days of no cost before its first', () => {
  it('is forecast from its first cost, as if the padding were not there', () => {
    const { daily } = syntheticSeries({
      from: '2026-09-01',
      to: '2026-12-06',
      level: 700,
      noise: 0.01,
      seed: 5,
    });
    // The cost API answers a 120-day window, zeros before the export began.
    const padded = [
      ...eachDay('2026-08-09', '2026-08-31').map(date => ({ date, cost: 0 })),
      ...daily,
    ];
    const asOf = '2026-12-06';
    const plain = forecastMonth(daily, { asOf })!;
    expect(forecastMonth(padded, { asOf })).toEqual(plain);
    expect(forecastCoverage(padded)).toEqual(forecastCoverage(daily));
    expect(backtestMape(padded)).toBe(backtestMape(daily));
    // Not the +-30% a jump from nothing would make of a 1% noise.
    expect(
      (plain.monthUpper - plain.monthLower) / plain.monthTotal,
    ).toBeLessThan(0.05);
  });
});

describe('forecastCoverage', () => {
  it('counts what the forecasts made from each origin held, as forecastMonth makes them', () => {
    const series = syntheticSeries({
      from: '2026-06-01',
      to: '2026-11-20',
      level: 300,
      noise: 0.15,
      randomWalk: 3,
      seed: 11,
    }).daily;
    const coverage = forecastCoverage(series, { originDays: 21 });

    // The same, origin by origin, through the public forecast.
    let days = 0;
    let daysHeld = 0;
    let months = 0;
    let monthsHeld = 0;
    for (const origin of eachDay('2026-10-30', '2026-11-19')) {
      const forecast = forecastMonth(historyUpTo(series, origin), {
        asOf: origin,
      })!;
      const compared = forecast.daily.filter(day => day.date <= '2026-11-20');
      if (compared.length === 0) {
        continue;
      }
      let actualRest = 0;
      for (const day of compared) {
        const actual = series.find(point => point.date === day.date)!.cost;
        actualRest += actual;
        days++;
        if (actual >= day.lower && actual <= day.upper) {
          daysHeld++;
        }
      }
      months++;
      if (compared.length === forecast.daily.length) {
        const actualTotal = sumBetween(
          series,
          startOfMonth(origin),
          endOfMonth(origin),
        );
        if (
          actualTotal >= forecast.monthLower &&
          actualTotal <= forecast.monthUpper
        ) {
          monthsHeld++;
        }
      } else {
        // The month is not over: only the days the series has are compared.
        const expectedRest = compared.reduce((sum, day) => sum + day.cost, 0);
        const monthReach = forecast.monthUpper - forecast.monthTotal;
        if (Math.abs(actualRest - expectedRest) <= monthReach) {
          monthsHeld++;
        }
      }
    }
    expect(coverage.days).toBe(days);
    expect(coverage.day).toBeCloseTo(daysHeld / days, 10);
    expect(coverage.months).toBe(months);
    // A month not over is compared with the interval of its known days,
    // narrower than the month's: at most that many more misses.
    expect(coverage.month! * months).toBeLessThanOrEqual(monthsHeld);
    expect(coverage.level).toBe(0.8);
  });

  it('is within 75-85% for the 80% intervals over noisy, drifting series', () => {
    let days = 0;
    let daysHeld = 0;
    let months = 0;
    let monthsHeld = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const { daily } = syntheticSeries({
        from: '2025-12-01',
        to: '2026-12-06',
        level: 500,
        trendPerDay: 0.3,
        noise: 0.25,
        randomWalk: 6,
        seed,
      });
      const coverage = forecastCoverage(daily);
      days += coverage.days;
      daysHeld += coverage.day! * coverage.days;
      months += coverage.months;
      monthsHeld += coverage.month! * coverage.months;
    }
    expect(daysHeld / days).toBeGreaterThanOrEqual(0.75);
    expect(daysHeld / days).toBeLessThanOrEqual(0.85);
    expect(monthsHeld / months).toBeGreaterThanOrEqual(0.75);
    expect(monthsHeld / months).toBeLessThanOrEqual(0.85);
  });

  it('has nothing to compare on a series too short to forecast from', () => {
    const { daily } = syntheticSeries({
      from: '2026-11-01',
      to: '2026-11-10',
      level: 10,
    });
    expect(forecastCoverage(daily)).toEqual({
      level: 0.8,
      day: null,
      days: 0,
      month: null,
      months: 0,
    });
    expect(forecastCoverage([]).month).toBeNull();
  });

  it('answers a series it has seen from its cache, and a changed one anew', () => {
    const { daily } = syntheticSeries({
      from: '2026-08-01',
      to: '2026-11-20',
      level: 100,
      noise: 0.05,
    });
    const coverageOf = createForecastCoverageCache(2);
    const first = coverageOf(daily);
    expect(coverageOf([...daily])).toBe(first);
    const changed = daily.map((point, index) =>
      index === daily.length - 1 ? { ...point, cost: point.cost * 3 } : point,
    );
    expect(coverageOf(changed)).not.toBe(first);
    expect(coverageOf(changed)).toEqual(forecastCoverage(changed));
  });
});
