import { InputError } from '@backstage/errors';
import {
  addDays,
  assertDate,
  dayOfWeek,
  daysBetween,
  eachDay,
  endOfMonth,
  startOfMonth,
} from './dates';

describe('addDays', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-12', 0)).toBe('2026-11-12');
    expect(addDays('2026-11-12', -7 * 8)).toBe('2026-09-17');
  });

  it('is not shifted by the local time zone or daylight saving', () => {
    // 2026-03-29 and 2026-10-25 are the European DST switches.
    expect(eachDay('2026-03-28', '2026-03-30')).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
    ]);
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
  });
});

describe('daysBetween', () => {
  it('counts calendar days, signed', () => {
    expect(daysBetween('2026-11-12', '2026-11-13')).toBe(1);
    expect(daysBetween('2026-11-12', '2026-11-12')).toBe(0);
    expect(daysBetween('2026-11-13', '2026-11-12')).toBe(-1);
    expect(daysBetween('2026-08-01', '2026-11-22')).toBe(113);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });
});

describe('startOfMonth and endOfMonth', () => {
  it('find the first and last day of the month', () => {
    expect(startOfMonth('2026-11-22')).toBe('2026-11-01');
    expect(endOfMonth('2026-11-22')).toBe('2026-11-30');
    expect(endOfMonth('2026-12-01')).toBe('2026-12-31');
    expect(endOfMonth('2026-01-31')).toBe('2026-01-31');
    expect(endOfMonth('2026-04-10')).toBe('2026-04-30');
  });

  it('know February in common and leap years', () => {
    expect(endOfMonth('2026-02-10')).toBe('2026-02-28');
    expect(endOfMonth('2028-02-10')).toBe('2028-02-29');
    expect(endOfMonth('2100-02-10')).toBe('2100-02-28');
    expect(endOfMonth('2000-02-10')).toBe('2000-02-29');
  });
});

describe('eachDay', () => {
  it('lists every day, both ends included', () => {
    expect(eachDay('2028-02-27', '2028-03-01')).toEqual([
      '2028-02-27',
      '2028-02-28',
      '2028-02-29',
      '2028-03-01',
    ]);
    expect(eachDay('2026-11-12', '2026-11-12')).toEqual(['2026-11-12']);
    expect(eachDay('2026-08-01', '2026-11-22')).toHaveLength(114);
  });

  it('is empty when the range is reversed', () => {
    expect(eachDay('2026-11-13', '2026-11-12')).toEqual([]);
  });
});

describe('dayOfWeek', () => {
  it('numbers days from Sunday (0) to Saturday (6)', () => {
    expect(dayOfWeek('2026-11-12')).toBe(4); // Thursday
    expect(dayOfWeek('2026-11-13')).toBe(5); // Friday
    expect(dayOfWeek('2026-11-15')).toBe(0); // Sunday
    expect(dayOfWeek('2026-11-21')).toBe(6); // Saturday
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('1969-12-28')).toBe(0);
  });
});

describe('invalid dates', () => {
  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-11-31',
    '2026-1-1',
    '2026-11-12T00:00:00Z',
    '',
    'today',
  ])('rejects %j with an InputError', date => {
    expect(() => assertDate(date)).toThrow(InputError);
    expect(() => addDays(date, 1)).toThrow(InputError);
    expect(() => endOfMonth(date)).toThrow(InputError);
    expect(() => dayOfWeek(date)).toThrow(InputError);
  });

  it('accepts the leap day of a leap year', () => {
    expect(() => assertDate('2028-02-29')).not.toThrow();
  });
});
