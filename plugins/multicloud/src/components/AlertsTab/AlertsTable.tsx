import { Link, Table, TableColumn } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { MulticloudAlert } from '@multicloud/plugin-multicloud-common';
import { formatCurrency, formatTimestamp } from '../../lib/format';
import { AlertActions, AlertRowAction } from './AlertActions';
import {
  SEVERITY_RANK,
  SOURCE_LABELS,
  STATUS_LABELS,
  SeverityLabel,
  formatRelativeTime,
} from './alertLabels';

type AlertRow = MulticloudAlert & {
  /** What the Amount column sorts by: the monthly saving, else the amount. */
  money: number;
};

const useStyles = makeStyles(theme => ({
  links: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0, 2),
  },
  nowrap: { whiteSpace: 'nowrap' },
}));

const ACTION_WORDS: Record<
  NonNullable<MulticloudAlert['lastAction']>['action'],
  string
> = {
  acknowledge: 'Acknowledged',
  snooze: 'Snoozed',
  dismiss: 'Dismissed',
  reopen: 'Reopened',
};

function entityName(alert: MulticloudAlert): string {
  if (alert.entityTitle) {
    return alert.entityTitle;
  }
  try {
    return parseEntityRef(alert.entityRef).name;
  } catch {
    return alert.entityRef;
  }
}

function isSameEntity(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

/** Most urgent first, then newest first. */
function byUrgency(a: MulticloudAlert, b: MulticloudAlert): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    Date.parse(b.since) - Date.parse(a.since)
  );
}

const TitleCell = (props: { alert: MulticloudAlert }) => {
  const { alert } = props;
  const classes = useStyles();
  return (
    <>
      <Typography variant="subtitle2" component="p">
        {alert.title}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {alert.description}
      </Typography>
      {alert.links.length > 0 && (
        <span className={classes.links}>
          {alert.links.map(link => (
            <Link key={link.url} to={link.url} variant="body2">
              {link.title}
            </Link>
          ))}
        </span>
      )}
    </>
  );
};

const StatusCell = (props: { alert: MulticloudAlert }) => {
  const { alert } = props;
  const { lastAction, alertmanager } = alert;
  let detail: string | undefined;
  if (alertmanager?.silencedBy.length) {
    detail = 'Silenced in Alertmanager';
  } else if (alertmanager?.inhibitedBy.length) {
    detail = 'Inhibited in Alertmanager';
  } else if (alert.status === 'snoozed' && alert.snoozedUntil) {
    detail = `Until ${formatTimestamp(alert.snoozedUntil)}`;
  } else if (alert.status === 'resolved' && alert.resolvedAt) {
    detail = `Resolved ${formatRelativeTime(alert.resolvedAt)}`;
  }
  const byLine =
    lastAction && alert.status !== 'open' && alert.status !== 'resolved'
      ? `${ACTION_WORDS[lastAction.action]} by ${lastAction.by}${
          lastAction.reason ? `: ${lastAction.reason}` : ''
        }`
      : undefined;
  return (
    <>
      <Typography variant="body2" component="span" data-alert-status>
        {STATUS_LABELS[alert.status]}
      </Typography>
      {detail && (
        <Typography variant="caption" display="block" color="textSecondary">
          {detail}
        </Typography>
      )}
      {byLine && (
        <Typography variant="caption" display="block" color="textSecondary">
          {byLine}
        </Typography>
      )}
    </>
  );
};

const AmountCell = (props: { alert: MulticloudAlert }) => {
  const { amount, monthlySaving } = props.alert;
  const classes = useStyles();
  return (
    <>
      {monthlySaving && (
        <Typography variant="body2" className={classes.nowrap}>
          {formatCurrency(monthlySaving.amount, monthlySaving.currency)}/month
        </Typography>
      )}
      {amount && (
        <Typography variant="body2" className={classes.nowrap}>
          {formatCurrency(amount.amount, amount.currency)}
        </Typography>
      )}
    </>
  );
};

/**
 * The alerts of an entity, most urgent first, each with its lifecycle
 * actions.
 */
export const AlertsTable = (props: {
  alerts: MulticloudAlert[];
  /** The page's entity: alerts about it are not linked to it again. */
  entityRef: string;
  /** Id of the alert an action is running for. */
  busyId?: string;
  refreshing: boolean;
  onAction: (action: AlertRowAction, alert: MulticloudAlert) => void;
}) => {
  const { alerts, entityRef, busyId, refreshing, onAction } = props;
  const classes = useStyles();
  // material-table writes its state into the row objects: hand it copies.
  const rows: AlertRow[] = [...alerts].sort(byUrgency).map(alert => ({
    ...alert,
    money: alert.monthlySaving?.amount ?? alert.amount?.amount ?? 0,
  }));
  const showMoney = rows.some(row => row.amount || row.monthlySaving);

  const columns: TableColumn<AlertRow>[] = [
    {
      title: 'Severity',
      field: 'severity',
      width: '8em',
      customSort: (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
      render: row => <SeverityLabel severity={row.severity} />,
    },
    {
      title: 'Source',
      field: 'source',
      render: row => SOURCE_LABELS[row.source],
    },
    {
      title: 'Alert',
      field: 'title',
      highlight: true,
      // The description says what to do: room for it to read as a paragraph.
      cellStyle: { minWidth: '28em' },
      render: row => <TitleCell alert={row} />,
    },
    {
      title: 'Entity',
      field: 'entityRef',
      render: row =>
        isSameEntity(row.entityRef, entityRef) ? (
          entityName(row)
        ) : (
          <EntityRefLink entityRef={row.entityRef}>
            {entityName(row)}
          </EntityRefLink>
        ),
    },
    {
      title: 'Since',
      field: 'since',
      customSort: (a, b) => Date.parse(a.since) - Date.parse(b.since),
      render: row => (
        <time
          dateTime={row.since}
          title={formatTimestamp(row.since)}
          className={classes.nowrap}
        >
          {formatRelativeTime(row.since)}
        </time>
      ),
    },
    {
      title: 'Status',
      field: 'status',
      render: row => <StatusCell alert={row} />,
    },
    ...(showMoney
      ? [
          {
            title: 'Amount',
            field: 'money',
            type: 'numeric' as const,
            render: (row: AlertRow) => <AmountCell alert={row} />,
          },
        ]
      : []),
    {
      title: 'Actions',
      sorting: false,
      render: row => (
        <AlertActions
          alert={row}
          busy={busyId === row.id}
          onAction={onAction}
        />
      ),
    },
  ];

  return (
    <Table<AlertRow>
      title="Alerts"
      columns={columns}
      data={rows}
      isLoading={refreshing}
      options={{
        search: false,
        padding: 'dense',
        paging: rows.length > 20,
        pageSize: 20,
        pageSizeOptions: [20, 50, 100],
      }}
      emptyContent={
        <Typography variant="body2" align="center" color="textSecondary">
          No alerts match these filters.
        </Typography>
      }
    />
  );
};
