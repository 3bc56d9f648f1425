import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  CostBudget,
  EntityCostResponse,
  MULTICLOUD_ANNOTATIONS,
  multicloudBudgetUpdatePermission,
} from '@multicloud/plugin-multicloud-common';
import { formatCurrency, formatMonth, formatPercent } from '../../lib/format';
import { describeRate } from '../shared/ConvertedCostNote';
import { BudgetDialog } from './BudgetDialog';

const useStyles = makeStyles(theme => ({
  progress: { margin: theme.spacing(1, 0) },
  over: { color: theme.palette.error.main },
  overBar: { backgroundColor: theme.palette.error.main },
  frame: { height: '100%' },
}));

function buttonLabel(budget: Pick<CostBudget, 'source'> | undefined): string {
  if (!budget) {
    return 'Set budget';
  }
  return budget.source === 'annotation' ? 'Override budget' : 'Edit budget';
}

/**
 * The month's actual and forecast cost against the monthly budget. Setting,
 * changing or removing the budget is offered only to who may do it
 * (`multicloud.budget.update` on the entity); nothing is offered while that
 * is being asked.
 */
export const BudgetCard = (props: {
  /** The page's entity: the budget's and the permission's. */
  entityRef: string;
  budget: CostBudget | null;
  /** A budget the answer could not compare, for want of an exchange rate. */
  unconvertedBudget?: EntityCostResponse['unconvertedBudget'];
  currency: string;
  onChanged: () => void;
}) => {
  const { entityRef, budget, unconvertedBudget, currency, onChanged } = props;
  // The budget as it was set, before any conversion: what the dialog edits.
  const asSet = budget?.convertedFrom ?? budget ?? unconvertedBudget;
  // The budget, whether compared or not.
  const monthBudget = budget ?? unconvertedBudget;
  const classes = useStyles();
  const [editing, setEditing] = useState(false);
  const { allowed: canEdit, loading: asking } = usePermission({
    permission: multicloudBudgetUpdatePermission,
    resourceRef: entityRef,
  });
  const fromAnnotation = monthBudget?.source === 'annotation';
  const actualOver = budget !== null && budget.actualShare > 1;
  const forecastOver =
    budget?.forecastShare !== null &&
    budget?.forecastShare !== undefined &&
    budget.forecastShare > 1;

  return (
    // What the permission check found, for tests and tools that must wait
    // until the card shows what the user may do.
    <div
      className={classes.frame}
      data-budget-permission={
        (asking && 'pending') || (canEdit ? 'allowed' : 'denied')
      }
    >
      <InfoCard
        title="Budget"
        subheader={monthBudget ? formatMonth(monthBudget.month) : 'Monthly'}
        actions={
          canEdit && (
            <Button color="primary" onClick={() => setEditing(true)}>
              {buttonLabel(monthBudget)}
            </Button>
          )
        }
      >
        {budget ? (
          <>
            <Typography
              variant="h4"
              component="p"
              className={actualOver ? classes.over : undefined}
            >
              {formatPercent(budget.actualShare)}
            </Typography>
            <LinearProgress
              className={classes.progress}
              classes={actualOver ? { barColorPrimary: classes.overBar } : {}}
              variant="determinate"
              value={Math.min(100, budget.actualShare * 100)}
              aria-label="Share of the monthly budget spent"
            />
            <Typography variant="body2">
              {formatCurrency(budget.actual, budget.currency)} spent of{' '}
              {formatCurrency(budget.amount, budget.currency)}
              {actualOver && (
                <span className={classes.over}> (over budget)</span>
              )}
            </Typography>
            {budget.forecast !== null && (
              <Typography
                variant="body2"
                className={forecastOver ? classes.over : undefined}
              >
                Forecast {formatCurrency(budget.forecast, budget.currency)}
                {budget.forecastShare !== null &&
                  ` (${formatPercent(budget.forecastShare)} of budget)`}
                {forecastOver && !actualOver && ', heading over budget'}
              </Typography>
            )}
            {budget.convertedFrom && (
              <Typography variant="caption" color="textSecondary" component="p">
                Set as{' '}
                {formatCurrency(
                  budget.convertedFrom.amount,
                  budget.convertedFrom.currency,
                )}
                , converted at{' '}
                {describeRate(
                  budget.convertedFrom.rate,
                  budget.convertedFrom.currency,
                  budget.currency,
                )}
                .
              </Typography>
            )}
            {fromAnnotation && (
              <Typography variant="caption" color="textSecondary">
                Set by the annotation{' '}
                <code>{MULTICLOUD_ANNOTATIONS.monthlyBudget}</code> in the
                entity's catalog file
                {canEdit ? '; a budget set here overrides it.' : '.'}
              </Typography>
            )}
          </>
        ) : null}
        {!budget && unconvertedBudget && (
          <>
            <Typography variant="body2">
              Budget{' '}
              {formatCurrency(
                unconvertedBudget.amount,
                unconvertedBudget.currency,
              )}
              : not compared, the config has no exchange rate from{' '}
              {unconvertedBudget.currency} to {currency} for{' '}
              {formatMonth(unconvertedBudget.month)} or earlier.
            </Typography>
            <Typography variant="caption" color="textSecondary">
              Add one under <code>multicloud.cost.currency.exchangeRates</code>,
              or set the budget in {currency}.
            </Typography>
          </>
        )}
        {!budget && !unconvertedBudget && (
          <>
            <Typography variant="body2">No monthly budget.</Typography>
            <Typography variant="caption" color="textSecondary">
              {canEdit
                ? 'Set one here, or with the annotation '
                : 'Set one with the annotation '}
              <code>{MULTICLOUD_ANNOTATIONS.monthlyBudget}</code> (for example{' '}
              <code>1500 USD</code>) in the entity's catalog file.
            </Typography>
          </>
        )}
        {editing && canEdit && (
          <BudgetDialog
            entityRef={entityRef}
            current={monthBudget?.source === 'api' ? asSet : undefined}
            suggested={asSet ?? undefined}
            defaultCurrency={currency}
            onClose={() => setEditing(false)}
            onChanged={() => {
              setEditing(false);
              onChanged();
            }}
          />
        )}
      </InfoCard>
    </div>
  );
};
