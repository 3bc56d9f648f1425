import { useMemo } from 'react';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  CostAnomaly,
  CostBreakdownSeries,
  CostDailyPoint,
  CostForecast,
} from '@multicloud/plugin-multicloud-common';
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  formatCurrency,
  formatCurrencyCompact,
  formatPercent,
  formatShortDate,
} from '../../lib/format';
import { seriesColor } from './chartColors';

type ChartRow = {
  date: string;
  /** Actual cost of the day; absent on forecast days. */
  total?: number;
  forecast?: number;
  forecastRange?: [number, number];
  [seriesKey: `series${number}`]: number;
};

export type CostChartProps = {
  daily: CostDailyPoint[];
  series: CostBreakdownSeries[];
  currency: string;
  /** Drawn after the last day when given: pass it when the period includes today. */
  forecast?: CostForecast | null;
  /** Monthly budget divided by the days of the month. */
  dailyBudget?: number;
  anomalies?: CostAnomaly[];
  height?: number;
};

const useStyles = makeStyles(theme => ({
  tooltip: { padding: theme.spacing(1, 1.5) },
}));

function buildRows(
  daily: CostDailyPoint[],
  series: CostBreakdownSeries[],
  forecast: CostForecast | null | undefined,
): ChartRow[] {
  const rows: ChartRow[] = daily.map((point, day) => {
    const row: ChartRow = { date: point.date, total: point.cost };
    series.forEach((line, index) => {
      row[`series${index}`] = line.values[day] ?? 0;
    });
    return row;
  });
  const lastDay = daily[daily.length - 1]?.date ?? '';
  for (const day of forecast?.daily ?? []) {
    if (day.date > lastDay) {
      rows.push({
        date: day.date,
        forecast: day.cost,
        forecastRange: [day.lower, day.upper],
      });
    }
  }
  return rows;
}

/**
 * The least top of the chart's axis: the highest day, the top of the
 * forecast band, the budget line and the anomaly dots, so that none is cut
 * off (the axis alone would fit the bars).
 */
export function chartTop(
  props: Pick<
    CostChartProps,
    'daily' | 'forecast' | 'anomalies' | 'dailyBudget'
  >,
): number {
  const { daily, forecast, anomalies = [], dailyBudget } = props;
  let top = dailyBudget ?? 0;
  for (const point of daily) {
    top = Math.max(top, point.cost);
  }
  for (const day of forecast?.daily ?? []) {
    top = Math.max(top, day.upper);
  }
  for (const anomaly of anomalies) {
    top = Math.max(top, anomaly.cost);
  }
  return top;
}

/** A one-sentence summary of the chart for screen readers. */
export function describeCostChart(props: CostChartProps): string {
  const { daily, currency, forecast, dailyBudget, anomalies = [] } = props;
  if (daily.length === 0) {
    return 'Daily cost chart: no days in the period.';
  }
  const total = daily.reduce((sum, point) => sum + point.cost, 0);
  const highest = daily.reduce((max, point) =>
    point.cost > max.cost ? point : max,
  );
  const parts = [
    `Daily cost from ${daily[0].date} to ${daily[daily.length - 1].date}, ` +
      `${formatCurrency(total, currency)} in total, ` +
      `highest on ${highest.date} at ${formatCurrency(
        highest.cost,
        currency,
      )}.`,
  ];
  if (forecast && forecast.daily.length > 0) {
    parts.push(
      `Forecast to ${forecast.periodEnd}: ` +
        `${formatCurrency(forecast.monthTotal, currency)} for the month.`,
    );
  }
  if (dailyBudget !== undefined) {
    parts.push(`Daily budget ${formatCurrency(dailyBudget, currency)}.`);
  }
  if (anomalies.length > 0) {
    parts.push(
      `${anomalies.length} ${
        anomalies.length === 1 ? 'anomaly' : 'anomalies'
      } marked.`,
    );
  }
  return parts.join(' ');
}

/** `Spike: $120.00 against $40.00 expected (+200%)`. */
export function describeAnomaly(
  anomaly: CostAnomaly,
  currency: string,
): string {
  const kind = anomaly.direction === 'spike' ? 'Spike' : 'Drop';
  const percent =
    anomaly.deltaPercent === null
      ? ''
      : ` (${formatPercent(anomaly.deltaPercent, { signed: true })})`;
  return (
    `${kind}: ${formatCurrency(anomaly.cost, currency)} against ` +
    `${formatCurrency(anomaly.expected, currency)} expected${percent}`
  );
}

/**
 * Daily cost as stacked bars per breakdown line, with the rest of the month's
 * forecast band, the daily budget and the anomalous days.
 */
export const CostChart = (props: CostChartProps) => {
  const {
    daily,
    series,
    forecast,
    currency,
    dailyBudget,
    anomalies = [],
    height = 320,
  } = props;
  const theme = useTheme();
  const classes = useStyles();
  const rows = useMemo(
    () => buildRows(daily, series, forecast),
    [daily, series, forecast],
  );
  const hasForecast = rows.some(row => row.forecast !== undefined);
  const highest = useMemo(
    () => chartTop({ daily, forecast, anomalies, dailyBudget }),
    [daily, forecast, anomalies, dailyBudget],
  );
  const anomaliesByDate = new Map(anomalies.map(a => [a.date, a]));
  const lines = series.length
    ? series
    : [{ key: 'total', label: 'Cost', values: daily.map(d => d.cost) }];

  const renderTooltip = ({
    active,
    label,
  }: {
    active?: boolean;
    label?: string;
  }) => {
    const row = active && rows.find(r => r.date === label);
    if (!row) {
      return null;
    }
    const anomaly = anomaliesByDate.get(row.date);
    return (
      <Paper className={classes.tooltip} elevation={3}>
        <Typography variant="subtitle2">{formatShortDate(row.date)}</Typography>
        {row.total !== undefined && (
          <>
            {lines.map((line, index) => (
              <Typography variant="body2" key={line.key}>
                {line.label}:{' '}
                {formatCurrency(
                  series.length ? row[`series${index}`] : row.total!,
                  currency,
                )}
              </Typography>
            ))}
            {series.length > 1 && (
              <Typography variant="body2">
                <strong>Total: {formatCurrency(row.total, currency)}</strong>
              </Typography>
            )}
          </>
        )}
        {row.forecast !== undefined && row.forecastRange && (
          <Typography variant="body2">
            Forecast: {formatCurrency(row.forecast, currency)} (80%:{' '}
            {formatCurrency(row.forecastRange[0], currency)} to{' '}
            {formatCurrency(row.forecastRange[1], currency)})
          </Typography>
        )}
        {anomaly && (
          <Typography variant="body2" color="error">
            {describeAnomaly(anomaly, currency)}
          </Typography>
        )}
      </Paper>
    );
  };

  return (
    <div role="img" aria-label={describeCostChart(props)}>
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart
          data={rows}
          margin={{ top: 16, right: 16, bottom: 0, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="date"
            tickFormatter={formatShortDate}
            minTickGap={16}
            stroke={theme.palette.text.secondary}
          />
          <YAxis
            width={72}
            domain={[0, (dataMax: number) => Math.max(dataMax, highest)]}
            tickFormatter={value => formatCurrencyCompact(value, currency)}
            stroke={theme.palette.text.secondary}
          />
          <Tooltip content={renderTooltip} />
          <Legend />
          {lines.map((line, index) => (
            <Bar
              key={line.key}
              dataKey={series.length ? `series${index}` : 'total'}
              name={line.label}
              stackId="cost"
              fill={seriesColor(line.key, index)}
              isAnimationActive={false}
            />
          ))}
          {hasForecast && (
            <Area
              dataKey="forecastRange"
              name="Forecast, 80% interval"
              stroke="none"
              fill={theme.palette.primary.main}
              fillOpacity={0.15}
              isAnimationActive={false}
            />
          )}
          {hasForecast && (
            <Line
              dataKey="forecast"
              name="Forecast"
              stroke={theme.palette.primary.main}
              strokeDasharray="5 5"
              dot={false}
              isAnimationActive={false}
            />
          )}
          {dailyBudget !== undefined && (
            <ReferenceLine
              y={dailyBudget}
              stroke={theme.palette.warning.main}
              strokeDasharray="4 4"
              ifOverflow="extendDomain"
              label={{
                value: 'Daily budget',
                position: 'insideTopRight',
                fill: theme.palette.text.secondary,
                fontSize: 12,
              }}
            />
          )}
          {anomalies.map(anomaly => (
            <ReferenceDot
              key={anomaly.date}
              x={anomaly.date}
              y={anomaly.cost}
              r={5}
              fill={theme.palette.error.main}
              stroke={theme.palette.background.paper}
              ifOverflow="extendDomain"
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
};
