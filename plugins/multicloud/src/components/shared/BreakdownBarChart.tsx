import { useTheme } from '@material-ui/core/styles';
import { CostBreakdownItem } from '@multicloud/plugin-multicloud-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatCurrency, formatCurrencyCompact } from '../../lib/format';

const SHOWN_LINES = 8;

/** Horizontal bars of the largest breakdown lines. */
export const BreakdownBarChart = (props: {
  /** What the lines are, for the chart's summary: `group`, `system`, ... */
  dimension: string;
  items: CostBreakdownItem[];
  currency: string;
}) => {
  const { dimension, items, currency } = props;
  const theme = useTheme();
  const shown = [...items]
    .sort((a, b) => b.cost - a.cost)
    .slice(0, SHOWN_LINES)
    .map(item => ({ label: item.label, cost: item.cost }));
  const summary =
    shown.length === 0
      ? `Cost by ${dimension}: none in this period.`
      : `Cost by ${dimension}, largest first: ${shown
          .map(line => `${line.label} ${formatCurrency(line.cost, currency)}`)
          .join(', ')}.`;
  return (
    <div role="img" aria-label={summary}>
      <ResponsiveContainer width="100%" height={40 + shown.length * 32}>
        <BarChart
          data={shown}
          layout="vertical"
          margin={{ top: 8, right: 24, bottom: 8, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis
            type="number"
            tickFormatter={value => formatCurrencyCompact(value, currency)}
            stroke={theme.palette.text.secondary}
          />
          <YAxis
            type="category"
            dataKey="label"
            width={180}
            stroke={theme.palette.text.secondary}
          />
          <Tooltip
            formatter={(value: number) => formatCurrency(value, currency)}
          />
          <Bar
            dataKey="cost"
            name="Cost"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
};
