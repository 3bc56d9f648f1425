import { ChangeEvent, useId } from 'react';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import {
  COST_GROUP_BY,
  CostGroupBy,
  CostMetric,
} from '@multicloud/plugin-multicloud-common';

const useStyles = makeStyles({
  select: { minWidth: 160 },
});

/** How a breakdown dimension is named in headings and column titles. */
export const GROUP_BY_LABELS: Record<CostGroupBy, string> = {
  service: 'Service',
  provider: 'Provider',
  account: 'Account',
  region: 'Region',
  resource: 'Resource',
};

const METRICS: ReadonlyArray<{ value: CostMetric; label: string }> = [
  { value: 'effective', label: 'Effective (amortized)' },
  { value: 'billed', label: 'Billed' },
  { value: 'list', label: 'List price' },
];

export const GroupBySelect = (props: {
  value: CostGroupBy;
  onChange: (value: CostGroupBy) => void;
}) => {
  const classes = useStyles();
  const id = useId();
  return (
    <TextField
      id={`${id}-group-by`}
      select
      label="Group by"
      variant="outlined"
      size="small"
      className={classes.select}
      value={props.value}
      onChange={(event: ChangeEvent<{ value: unknown }>) =>
        props.onChange(event.target.value as CostGroupBy)
      }
      SelectProps={{ native: true }}
    >
      {COST_GROUP_BY.map(groupBy => (
        <option key={groupBy} value={groupBy}>
          {GROUP_BY_LABELS[groupBy]}
        </option>
      ))}
    </TextField>
  );
};

export const MetricSelect = (props: {
  value: CostMetric;
  onChange: (value: CostMetric) => void;
}) => {
  const classes = useStyles();
  const id = useId();
  return (
    <TextField
      id={`${id}-metric`}
      select
      label="Cost"
      variant="outlined"
      size="small"
      className={classes.select}
      value={props.value}
      onChange={(event: ChangeEvent<{ value: unknown }>) =>
        props.onChange(event.target.value as CostMetric)
      }
      SelectProps={{ native: true }}
    >
      {METRICS.map(metric => (
        <option key={metric.value} value={metric.value}>
          {metric.label}
        </option>
      ))}
    </TextField>
  );
};
