export { BreakdownBarChart } from './BreakdownBarChart';
export { BreakdownLabel, BreakdownTable } from './BreakdownTable';
export { ChangeIndicator, describeChange } from './ChangeIndicator';
export { CostChart, describeAnomaly, describeCostChart } from './CostChart';
export { ConvertedCostNote, describeRate } from './ConvertedCostNote';
export type { CostChartProps } from './CostChart';
export { GROUP_BY_LABELS, GroupBySelect, MetricSelect } from './CostSelects';
export { ForecastCard, TotalCard, UnallocatedCard } from './HeadlineCards';
export { LoadErrorPanel } from './LoadErrorPanel';
export { NoCostData, NoMatchingCost } from './NoCostData';
export { CostFilterBar } from './CostFilterBar';
export { PeriodPicker, usePeriodSelection } from './PeriodPicker';
export {
  describeActionError,
  describeMissingPermission,
  isNotAllowedError,
} from './permissionError';
export type { RequiredPermission } from './permissionError';
