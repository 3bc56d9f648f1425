import { ChangeEvent, ReactNode, useId, useState } from 'react';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import {
  PERIOD_PRESETS,
  Period,
  PeriodPreset,
  PeriodSelection,
  defaultPeriodSelection,
  resolvePeriod,
  todayUtc,
} from '../../lib/period';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
  },
  select: { minWidth: 160 },
}));

/**
 * The period of a cost view: the picker's state and the period it resolves
 * to, or the reason a custom period cannot be used.
 */
export function usePeriodSelection() {
  const [selection, setSelection] = useState<PeriodSelection>(() =>
    defaultPeriodSelection(),
  );
  const { period, error } = resolvePeriod(selection, todayUtc());
  return { selection, setSelection, period, error };
}

/** Last 7, 30 or 90 days, month to date, or two dates of the user's. */
export const PeriodPicker = (props: {
  value: PeriodSelection;
  onChange: (value: PeriodSelection) => void;
  /** Why the custom period is not usable. */
  error?: string;
  /** Further controls shown in the same row. */
  children?: ReactNode;
}) => {
  const { value, onChange, error, children } = props;
  const classes = useStyles();
  const id = useId();

  const changePreset = (event: ChangeEvent<{ value: unknown }>) => {
    const preset = event.target.value as PeriodPreset;
    if (preset === 'custom') {
      // Start the custom dates from what was shown.
      const shown: Period = resolvePeriod(value).period ?? value;
      onChange({ preset, from: shown.from, to: shown.to });
    } else {
      onChange({ ...value, preset });
    }
  };

  return (
    <Box className={classes.root}>
      <TextField
        id={`${id}-period`}
        select
        label="Period"
        variant="outlined"
        size="small"
        className={classes.select}
        value={value.preset}
        onChange={changePreset}
        SelectProps={{ native: true }}
      >
        {PERIOD_PRESETS.map(preset => (
          <option key={preset.value} value={preset.value}>
            {preset.label}
          </option>
        ))}
      </TextField>
      {value.preset === 'custom' && (
        <>
          <TextField
            id={`${id}-from`}
            type="date"
            label="From"
            variant="outlined"
            size="small"
            InputLabelProps={{ shrink: true }}
            value={value.from}
            error={Boolean(error)}
            onChange={event => onChange({ ...value, from: event.target.value })}
          />
          <TextField
            id={`${id}-to`}
            type="date"
            label="To"
            variant="outlined"
            size="small"
            InputLabelProps={{ shrink: true }}
            value={value.to}
            error={Boolean(error)}
            helperText={error}
            FormHelperTextProps={{ role: error ? 'alert' : undefined }}
            onChange={event => onChange({ ...value, to: event.target.value })}
          />
        </>
      )}
      {children}
    </Box>
  );
};
