import {
  daysBetween,
  daysInMonth,
  resolvePeriod,
  sameDaysLastMonth,
} from './period';

describe('resolvePeriod', () => {
  const today = '2025-03-15';

  it('ends the presets today', () => {
    const custom = { from: '', to: '' };
    expect(resolvePeriod({ preset: 'last7', ...custom }, today)).toEqual({
      period: { from: '2025-03-09', to: today },
    });
    expect(resolvePeriod({ preset: 'last30', ...custom }, today)).toEqual({
      period: { from: '2025-02-14', to: today },
    });
    expect(resolvePeriod({ preset: 'last90', ...custom }, today)).toEqual({
      period: { from: '2024-12-16', to: today },
    });
    expect(resolvePeriod({ preset: 'monthToDate', ...custom }, today)).toEqual({
      period: { from: '2025-03-01', to: today },
    });
  });

  it('takes custom dates in order and refuses others', () => {
    expect(
      resolvePeriod({ preset: 'custom', from: '2025-01-01', to: '2025-01-01' }),
    ).toEqual({ period: { from: '2025-01-01', to: '2025-01-01' } });
    expect(
      resolvePeriod({ preset: 'custom', from: '2025-01-02', to: '2025-01-01' })
        .error,
    ).toBe('The start date must be on or before the end date.');
    expect(
      resolvePeriod({ preset: 'custom', from: '', to: '2025-01-01' }).error,
    ).toBe('Enter both dates.');
    expect(
      resolvePeriod({ preset: 'custom', from: '2025-02-30', to: '2025-03-01' })
        .error,
    ).toBe('Enter both dates.');
  });
});

describe('calendar helpers', () => {
  it('counts the days of a period and of a month', () => {
    expect(daysBetween('2025-03-01', '2025-03-15')).toBe(15);
    expect(daysBetween('2024-10-20', '2024-10-30')).toBe(11);
    expect(daysInMonth('2024-02')).toBe(29);
    expect(daysInMonth('2025-02')).toBe(28);
    expect(daysInMonth('2025-12')).toBe(31);
  });
});

describe('sameDaysLastMonth', () => {
  it('takes the same days of the month before, cut at its end', () => {
    expect(sameDaysLastMonth('2025-03-15')).toEqual({
      from: '2025-02-01',
      to: '2025-02-15',
    });
    expect(sameDaysLastMonth('2025-03-31')).toEqual({
      from: '2025-02-01',
      to: '2025-02-28',
    });
    expect(sameDaysLastMonth('2024-03-30')).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
    });
    expect(sameDaysLastMonth('2025-01-01')).toEqual({
      from: '2024-12-01',
      to: '2024-12-01',
    });
    expect(sameDaysLastMonth('2025-11-09')).toEqual({
      from: '2025-10-01',
      to: '2025-10-09',
    });
  });
});
