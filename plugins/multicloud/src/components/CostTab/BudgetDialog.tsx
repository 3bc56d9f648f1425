import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { multicloudBudgetUpdatePermission } from '@multicloud/plugin-multicloud-common';
import { multicloudApiRef } from '../../api';
import { describeActionError } from '../shared';

const useStyles = makeStyles(theme => ({
  fields: { display: 'flex', gap: theme.spacing(2) },
  removeButton: { marginRight: 'auto' },
}));

/** Sets, changes or removes the monthly budget kept by the API. */
export const BudgetDialog = (props: {
  entityRef: string;
  /** The budget set through the API, which the dialog can change or remove. */
  current?: { amount: number; currency: string };
  /** Figures to start from (the annotation's budget when it is overridden). */
  suggested?: { amount: number; currency: string };
  defaultCurrency: string;
  onClose: () => void;
  /** Called once the budget was saved or removed. */
  onChanged: () => void;
}) => {
  const { entityRef, current, defaultCurrency, onClose, onChanged } = props;
  const initial = current ?? props.suggested;
  const classes = useStyles();
  const multicloudApi = useApi(multicloudApiRef);
  const [amount, setAmount] = useState(initial ? String(initial.amount) : '');
  const [currency, setCurrency] = useState(
    initial?.currency ?? defaultCurrency,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const parsedAmount = Number(amount);
  const amountError =
    amount.trim() !== '' && !(parsedAmount > 0)
      ? 'Enter an amount above zero.'
      : undefined;
  const currencyError = /^[A-Za-z]{3}$/.test(currency.trim())
    ? undefined
    : 'Enter a three-letter currency code, for example USD.';

  const run = async (change: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await change();
      onChanged();
    } catch (e) {
      setError(
        describeActionError(e, {
          permission: multicloudBudgetUpdatePermission,
          resourceRef: entityRef,
        }),
      );
      setBusy(false);
    }
  };

  const save = () =>
    run(() =>
      multicloudApi.setBudget({
        entityRef,
        amount: parsedAmount,
        currency: currency.trim().toUpperCase(),
      }),
    );
  const remove = () => run(() => multicloudApi.deleteBudget(entityRef));

  return (
    <Dialog open onClose={onClose} aria-labelledby="multicloud-budget-title">
      <DialogTitle id="multicloud-budget-title">
        {current ? 'Edit monthly budget' : 'Set monthly budget'}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          The budget of {entityRef} for every calendar month. Forecasts and
          alerts compare the month's cost against it.
        </DialogContentText>
        <div className={classes.fields}>
          <TextField
            id="multicloud-budget-amount"
            label="Monthly budget"
            type="number"
            inputProps={{ min: 0, step: 'any' }}
            value={amount}
            onChange={event => setAmount(event.target.value)}
            error={Boolean(amountError)}
            helperText={amountError}
          />
          <TextField
            id="multicloud-budget-currency"
            label="Currency"
            inputProps={{ maxLength: 3 }}
            value={currency}
            onChange={event => setCurrency(event.target.value)}
            error={Boolean(currencyError)}
            helperText={currencyError}
          />
        </div>
        {error && (
          <Typography role="alert" color="error" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        {current && (
          <Button
            className={classes.removeButton}
            onClick={remove}
            disabled={busy}
          >
            Remove budget
          </Button>
        )}
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={save}
          disabled={
            busy ||
            amount.trim() === '' ||
            Boolean(amountError) ||
            Boolean(currencyError)
          }
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
};
