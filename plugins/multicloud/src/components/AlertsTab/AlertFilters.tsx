import { ChangeEvent, useId } from 'react';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import {
  ALERT_SEVERITIES,
  ALERT_SOURCES,
  ALERT_STATUSES,
  AlertSeverity,
  AlertSource,
  AlertStatus,
} from '@multicloud/plugin-multicloud-common';
import { SEVERITY_LABELS, SOURCE_LABELS, STATUS_LABELS } from './alertLabels';

/**
 * Which statuses the table shows: the ones that need attention (the
 * default), one status, or all of them.
 */
export type AlertStatusFilter = 'active' | 'all' | AlertStatus;

export type AlertFilterValues = {
  source?: AlertSource;
  severity?: AlertSeverity;
  status: AlertStatusFilter;
};

export const DEFAULT_ALERT_FILTERS: AlertFilterValues = { status: 'active' };

/** The statuses of `GET /alerts?status=` for a status filter; none for all. */
export function statusesOf(filter: AlertStatusFilter): AlertStatus[] {
  if (filter === 'all') {
    return [];
  }
  return filter === 'active' ? ['open', 'acknowledged'] : [filter];
}

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
  },
  select: { minWidth: 180 },
}));

const FilterSelect = <T extends string>(props: {
  id: string;
  label: string;
  value: T | '';
  allLabel: string;
  options: ReadonlyArray<{ value: T; label: string }>;
  onChange: (value: T | '') => void;
}) => {
  const classes = useStyles();
  return (
    <TextField
      id={props.id}
      select
      label={props.label}
      variant="outlined"
      size="small"
      className={classes.select}
      value={props.value}
      onChange={(event: ChangeEvent<{ value: unknown }>) =>
        props.onChange(event.target.value as T | '')
      }
      SelectProps={{ native: true }}
      // "All ..." is a value too: the label stays above it, never over it.
      InputLabelProps={{ shrink: true }}
    >
      <option value="">{props.allLabel}</option>
      {props.options.map(option => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </TextField>
  );
};

/** Source, severity and status filters of the Alerts tab. */
export const AlertFilters = (props: {
  value: AlertFilterValues;
  onChange: (value: AlertFilterValues) => void;
}) => {
  const { value, onChange } = props;
  const classes = useStyles();
  const id = useId();
  return (
    <div className={classes.filters}>
      <FilterSelect<AlertSource>
        id={`${id}-source`}
        label="Source"
        value={value.source ?? ''}
        allLabel="All sources"
        options={ALERT_SOURCES.map(source => ({
          value: source,
          label: SOURCE_LABELS[source],
        }))}
        onChange={source => onChange({ ...value, source: source || undefined })}
      />
      <FilterSelect<AlertSeverity>
        id={`${id}-severity`}
        label="Severity"
        value={value.severity ?? ''}
        allLabel="All severities"
        options={ALERT_SEVERITIES.map(severity => ({
          value: severity,
          label: SEVERITY_LABELS[severity],
        }))}
        onChange={severity =>
          onChange({ ...value, severity: severity || undefined })
        }
      />
      <FilterSelect<Exclude<AlertStatusFilter, 'all'>>
        id={`${id}-status`}
        label="Status"
        value={value.status === 'all' ? '' : value.status}
        allLabel="All statuses"
        options={[
          { value: 'active', label: 'Open and acknowledged' },
          ...ALERT_STATUSES.map(status => ({
            value: status,
            label: STATUS_LABELS[status],
          })),
        ]}
        onChange={status => onChange({ ...value, status: status || 'all' })}
      />
    </div>
  );
};
