import { InputError } from '@backstage/errors';
import { CostDailyPoint } from '@multicloud/plugin-multicloud-common';
import { addDays, dayOfWeek, eachDay } from './dates';
import { detectAnomalies } from './anomalies';
import { median } from './statistics';
import { syntheticSeries } from './__testUtils__/syntheticSeries';

/** Twelve weeks with an office-week pattern around 100 and 2% noise. */
const office = syntheticSeries({
  from: '2026-08-03',
  to: '2026-10-25',
  level: 100,
  noise: 0.02,
}).daily;

function withCost(
  daily: CostDailyPoint[],
  date: string,
  cost: (previous: number) => number,
): CostDailyPoint[] {
  return daily.map(point =>
    point.date === date ? { ...point, cost: cost(point.cost) } : point,
  );
}

function costOn(daily: CostDailyPoint[], date: string): number {
  return daily.find(point => point.date === date)!.cost;
}

function sameWeekdayBefore(
  daily: CostDailyPoint[],
  date: string,
  weeks: number,
): number[] {
  return Array.from({ length: weeks }, (_, week) =>
    costOn(daily, addDays(date, -7 * (week + 1))),
  );
}

describe('detectAnomalies', () => {
  it('finds nothing in a series that only follows its weekly pattern', () => {
    expect(detectAnomalies(office)).toEqual([]);
  });

  it('finds an injected spike, and only it, against the same weekday', () => {
    const spikeDay = '2026-10-15'; // a Thursday
    const daily = withCost(office, spikeDay, cost => cost * 3);
    const expected = median(sameWeekdayBefore(daily, spikeDay, 8));

    const anomalies = detectAnomalies(daily);

    expect(anomalies).toHaveLength(1);
    const [anomaly] = anomalies;
    expect(anomaly).toEqual({
      date: spikeDay,
      cost: costOn(daily, spikeDay),
      expected,
      delta: costOn(daily, spikeDay) - expected,
      deltaPercent: (costOn(daily, spikeDay) - expected) / expected,
      score: expect.any(Number),
      direction: 'spike',
    });
    expect(anomaly.expected).toBeGreaterThan(105); // a Thursday, not a weekend
    expect(anomaly.deltaPercent).toBeCloseTo(2, 0);
    expect(anomaly.score).toBeGreaterThan(3.5);
  });

  it('finds a drop', () => {
    const dropDay = '2026-10-20'; // a Tuesday
    const daily = withCost(office, dropDay, cost => cost * 0.3);

    const anomalies = detectAnomalies(daily);

    expect(anomalies).toHaveLength(1);
    expect(anomalies[0]).toMatchObject({ date: dropDay, direction: 'drop' });
    expect(anomalies[0].delta).toBeLessThan(-70);
    expect(anomalies[0].deltaPercent).toBeCloseTo(-0.7, 1);
    expect(anomalies[0].score).toBeLessThan(-3.5);
  });

  it('judges a weekend day against weekends', () => {
    // 100 is an ordinary weekday but nearly twice a usual Sunday.
    const sunday = '2026-10-18';
    expect(dayOfWeek(sunday)).toBe(0);
    const daily = withCost(office, sunday, () => 100);

    const [anomaly] = detectAnomalies(daily);

    expect(anomaly.date).toBe(sunday);
    expect(anomaly.expected).toBeCloseTo(55, -1);
    expect(anomaly.direction).toBe('spike');
  });

  it('is not blinded by an earlier spike on the same weekday', () => {
    const daily = withCost(
      withCost(office, '2026-10-08', cost => cost * 3),
      '2026-10-15',
      cost => cost * 3,
    );
    expect(detectAnomalies(daily).map(anomaly => anomaly.date)).toEqual([
      '2026-10-08',
      '2026-10-15',
    ]);
  });

  describe('on a flat series', () => {
    const flat = eachDay('2026-08-01', '2026-10-31').map(date => ({
      date,
      cost: 100,
    }));

    it('finds nothing', () => {
      expect(detectAnomalies(flat)).toEqual([]);
    });

    it('does not make a wobble of a few percent infinitely surprising', () => {
      const anyChange = { minAbsolute: 0, minPercent: 0 };
      expect(
        detectAnomalies(
          withCost(flat, '2026-10-20', () => 104),
          anyChange,
        ),
      ).toEqual([]);
      expect(
        detectAnomalies(
          withCost(flat, '2026-10-20', () => 120),
          anyChange,
        ),
      ).toHaveLength(1);
    });

    it('scores a real jump with a finite score', () => {
      const [anomaly] = detectAnomalies(
        withCost(flat, '2026-10-20', () => 200),
      );
      expect(anomaly).toMatchObject({
        date: '2026-10-20',
        expected: 100,
        delta: 100,
        deltaPercent: 1,
        direction: 'spike',
      });
      // MAD floored at 2% of the median: 100 / (1.4826 * 2).
      expect(anomaly.score).toBeCloseTo(33.72, 2);
    });

    it('reports a cost appearing where there was none', () => {
      const zeros = flat.map(point => ({ ...point, cost: 0 }));
      const anomalies = detectAnomalies(
        withCost(
          withCost(zeros, '2026-10-20', () => 50),
          '2026-10-21',
          () => 5,
        ),
      );
      expect(anomalies).toHaveLength(1);
      expect(anomalies[0]).toMatchObject({
        date: '2026-10-20',
        expected: 0,
        delta: 50,
        deltaPercent: null,
        direction: 'spike',
      });
      expect(Number.isFinite(anomalies[0].score)).toBe(true);
    });
  });

  it('needs three earlier weeks before judging a day', () => {
    const daily = withCost(office, '2026-08-20', cost => cost * 5);
    expect(detectAnomalies(daily)).toEqual([]);
    const later = withCost(office, '2026-08-24', cost => cost * 5);
    expect(detectAnomalies(later).map(anomaly => anomaly.date)).toEqual([
      '2026-08-24',
    ]);
  });

  it('leaves out changes too small in money or share', () => {
    const small = office.map(point => ({ ...point, cost: point.cost / 20 }));
    const smallSpike = withCost(small, '2026-10-15', cost => cost * 3);
    // About +11: over 10, so reported by default, but not over 20.
    expect(detectAnomalies(smallSpike)).toHaveLength(1);
    expect(detectAnomalies(smallSpike, { minAbsolute: 20 })).toEqual([]);

    const large = office.map(point => ({ ...point, cost: point.cost * 100 }));
    const largeBump = withCost(large, '2026-10-15', cost => cost * 1.15);
    // +15%: far outside the 2% noise, but under the 20% default share.
    expect(detectAnomalies(largeBump)).toEqual([]);
    expect(
      detectAnomalies(largeBump, { minPercent: 0.1 }).map(a => a.date),
    ).toEqual(['2026-10-15']);
  });

  it('applies the score threshold', () => {
    const daily = withCost(office, '2026-10-15', cost => cost * 3);
    const [anomaly] = detectAnomalies(daily);
    expect(detectAnomalies(daily, { threshold: anomaly.score + 1 })).toEqual(
      [],
    );
  });

  it('forgets a step change once most baseline weeks are after it', () => {
    const step = '2026-09-28';
    const stepped = syntheticSeries({
      from: '2026-08-03',
      to: '2026-11-30',
      level: 100,
      noise: 0.02,
    }).daily.map(point =>
      point.date >= step ? { ...point, cost: point.cost * 2 } : point,
    );
    const flaggedDates = (weeks: number) =>
      detectAnomalies(stepped, { weeks }).map(anomaly => anomaly.date);
    // The median of 3 weeks moves up when 2 of them are after the step; of 8, when 4 are.
    expect(flaggedDates(3)).toEqual(eachDay(step, addDays(step, 13)));
    expect(flaggedDates(8)).toEqual(eachDay(step, addDays(step, 27)));
  });

  it('sorts its findings by date whatever the order of the input', () => {
    const daily = withCost(
      withCost(office, '2026-10-08', cost => cost * 3),
      '2026-10-21',
      cost => cost * 0.2,
    );
    const shuffled = [...daily].reverse();
    expect(detectAnomalies(shuffled).map(anomaly => anomaly.date)).toEqual([
      '2026-10-08',
      '2026-10-21',
    ]);
  });

  it('rejects a baseline of fewer than three weeks', () => {
    expect(() => detectAnomalies(office, { weeks: 2 })).toThrow(InputError);
    expect(() => detectAnomalies(office, { weeks: 3.5 })).toThrow(InputError);
  });

  it('finds nothing in an empty series', () => {
    expect(detectAnomalies([])).toEqual([]);
  });
});
