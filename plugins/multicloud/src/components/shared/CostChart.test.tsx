import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { entityCostResponse } from '../../testing/costFixtures';
import { CostChart, chartTop } from './CostChart';

describe('CostChart', () => {
  const response = entityCostResponse();

  it('stacks the series and draws the forecast, the daily budget and the anomalies', async () => {
    const { container } = renderInTestApp(
      <CostChart
        daily={response.daily}
        series={response.breakdownSeries}
        currency="USD"
        forecast={response.forecast}
        dailyBudget={2500 / 31}
        anomalies={response.anomalies}
      />,
    );

    const chart = await screen.findByRole('img');
    expect(chart).toHaveAccessibleName(
      'Daily cost from 2025-03-01 to 2025-03-15, $1,500.00 in total, ' +
        'highest on 2025-03-01 at $100.00. ' +
        'Forecast to 2025-03-31: $3,100.00 for the month. ' +
        'Daily budget $80.65. 1 anomaly marked.',
    );
    // Two series of 15 days; the forecast days carry no bars.
    const bars = [
      ...container.querySelectorAll('.recharts-bar-rectangle path'),
    ].filter(bar => Number(bar.getAttribute('height')) > 0);
    expect(bars).toHaveLength(30);
    expect(screen.getByText('Forecast, 80% interval')).toBeInTheDocument();
    expect(screen.getByText('Daily budget')).toBeInTheDocument();
    expect(container.querySelectorAll('.recharts-reference-dot')).toHaveLength(
      1,
    );
  });

  it('leaves the forecast out when not given', async () => {
    renderInTestApp(
      <CostChart
        daily={response.daily}
        series={response.breakdownSeries}
        currency="USD"
      />,
    );

    expect(await screen.findByText('checkout-db')).toBeInTheDocument();
    expect(screen.queryByText('Forecast')).not.toBeInTheDocument();
    expect(screen.queryByText('Daily budget')).not.toBeInTheDocument();
  });

  it('reaches the top of the forecast band, the budget and the anomalies with its axis', async () => {
    // The bars reach $100 a day; the band's upper edge $115.
    expect(
      chartTop({ daily: response.daily, forecast: response.forecast }),
    ).toBe(115);
    expect(
      chartTop({
        daily: response.daily,
        forecast: response.forecast,
        dailyBudget: 130,
        anomalies: [{ ...response.anomalies[0], cost: 140 }],
      }),
    ).toBe(140);
    expect(chartTop({ daily: [] })).toBe(0);

    const { container } = renderInTestApp(
      <CostChart
        daily={response.daily}
        series={response.breakdownSeries}
        currency="USD"
        forecast={response.forecast}
      />,
    );
    await screen.findByRole('img');
    const ticks = [
      ...container.querySelectorAll(
        '.recharts-yAxis .recharts-cartesian-axis-tick-value',
      ),
    ].map(tick => Number(tick.textContent!.replace(/[^0-9.]/g, '')));
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(115);
  });
});
