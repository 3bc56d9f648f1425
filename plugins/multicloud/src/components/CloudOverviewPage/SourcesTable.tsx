import {
  EmptyState,
  Progress,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  MulticloudSourcesResponse,
  multicloudSourceReadPermission,
  multicloudSourceRefreshPermission,
} from '@multicloud/plugin-multicloud-common';
import { ReactNode, useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { multicloudApiRef } from '../../api';
import {
  SourceRow,
  SourceStatus,
  formatDuration,
  hasRunSince,
  sourceRows,
} from '../../lib/sources';
import { formatRelativeTime } from '../AlertsTab/alertLabels';
import { LoadErrorPanel } from '../shared/LoadErrorPanel';
import { describeActionError } from '../shared/permissionError';

/** How often the table asks for the sources while a refresh is under way. */
const POLL_INTERVAL_MS = 2_000;

/** How long the table waits for a requested run before it stops asking. */
const POLL_LIMIT_MS = 15 * 60_000;

const useStyles = makeStyles(theme => ({
  error: {
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    margin: 0,
    color: theme.palette.error.main,
  },
  secondary: { color: theme.palette.text.secondary },
  nowrap: { whiteSpace: 'nowrap' },
}));

/** A refresh asked for and not seen through yet. */
type RequestedRun = {
  /**
   * The backend's time of the request
   * (`MulticloudSourceRefreshResponse.requestedAt`), once it has answered.
   */
  requestedAt?: string;
  /** The browser's time of the request, to stop asking after {@link POLL_LIMIT_MS}. */
  askedAt: number;
};

const StatusLabel = (props: { status: SourceStatus; partial: boolean }) => {
  const { status, partial } = props;
  switch (status) {
    case 'applied':
    case 'succeeded':
      return partial ? (
        <StatusWarning>{status}, partly</StatusWarning>
      ) : (
        <StatusOK>{status}</StatusOK>
      );
    case 'refused':
    case 'partly failed':
      return <StatusWarning>{status}</StatusWarning>;
    case 'failed':
      return <StatusError>failed</StatusError>;
    case 'running':
      return <StatusRunning>running</StatusRunning>;
    default:
      // Runs are kept by the backend process: after a restart a source has
      // not run until its schedule (or Refresh now) starts it.
      return <StatusPending>not run since the backend started</StatusPending>;
  }
};

/** `3 minutes ago`, with the exact time on hover. */
const RelativeTime = (props: { time: string }) => (
  <span title={props.time}>{formatRelativeTime(props.time)}</span>
);

/** A cell's main line and a quieter second one. */
const TwoLines = (props: { first: ReactNode; second?: ReactNode }) => {
  const classes = useStyles();
  return (
    <>
      <div className={classes.nowrap}>{props.first}</div>
      {props.second && (
        <Typography variant="body2" className={classes.secondary}>
          {props.second}
        </Typography>
      )}
    </>
  );
};

const NoSources = () => (
  <EmptyState
    missing="data"
    title="No sources are configured"
    description="Cloud resources reach the catalog through the cloud sources under catalog.providers.multicloud, and cost through the FOCUS folders under multicloud.cost.imports.folders, in the app config of the backend."
    action={
      <Typography variant="body2">
        Add an AWS account, an Azure subscription, a GCP project, a Kubernetes
        cluster or an inventory export under{' '}
        <code>catalog.providers.multicloud</code>, or a folder of cost exports
        under <code>multicloud.cost.imports.folders</code>; see the READMEs of
        the multicloud catalog module and backend.
      </Typography>
    }
  />
);

/**
 * Every cloud source and cost folder with its last run: status, counts,
 * errors in full and the next run. Who may (`multicloud.source.refresh`) can
 * run a source now and watch its run come in.
 */
export const SourcesTable = () => {
  const classes = useStyles();
  const multicloudApi = useApi(multicloudApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed: canRefresh } = usePermission({
    permission: multicloudSourceRefreshPermission,
  });
  const initial = useAsync(() => multicloudApi.getSources(), [multicloudApi]);
  const [polled, setPolled] = useState<MulticloudSourcesResponse>();
  const [requested, setRequested] = useState<Record<string, RequestedRun>>({});
  const response = polled ?? initial.value;
  const rows = useMemo(
    () => (response ? sourceRows(response) : []),
    [response],
  );

  // While runs are asked for, ask for the sources every few seconds until
  // each has run (or the wait runs out), then show what the run did.
  const waiting = Object.values(requested).some(run => run.requestedAt);
  useEffect(() => {
    if (!waiting) {
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      let next: MulticloudSourcesResponse;
      try {
        next = await multicloudApi.getSources();
      } catch (e) {
        if (!cancelled) {
          alertApi.post({
            message: `Could not check on the refresh: ${describeActionError(e, {
              permission: multicloudSourceReadPermission,
            })}`,
            severity: 'error',
          });
          setRequested({});
        }
        return;
      }
      if (cancelled) {
        return;
      }
      const nextRows = sourceRows(next);
      const settled = new Set<string>();
      for (const [key, run] of Object.entries(requested)) {
        if (!run.requestedAt) {
          continue;
        }
        const row = nextRows.find(candidate => candidate.key === key);
        if (row && hasRunSince(row, run.requestedAt)) {
          alertApi.post({
            message: `${row.id} ran: ${row.status}`,
            severity: row.errors.length ? 'warning' : 'success',
            display: 'transient',
          });
        } else if (!row) {
          alertApi.post({
            message: `${key} is no longer configured`,
            severity: 'warning',
          });
        } else if (Date.now() - run.askedAt > POLL_LIMIT_MS) {
          alertApi.post({
            message: `${
              row.id
            } has not finished the requested run in ${formatDuration(
              POLL_LIMIT_MS,
            )}; reload the page to see it once it has`,
            severity: 'warning',
          });
        } else {
          continue;
        }
        settled.add(key);
      }
      setPolled(next);
      // Always a new object: it arms the next poll while runs are awaited.
      setRequested(current =>
        Object.fromEntries(
          Object.entries(current).filter(([key]) => !settled.has(key)),
        ),
      );
    }, POLL_INTERVAL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [waiting, requested, multicloudApi, alertApi]);

  const refresh = async (row: SourceRow) => {
    const askedAt = Date.now();
    // The button is disabled at once; the polling starts with the answer.
    setRequested(current => ({ ...current, [row.key]: { askedAt } }));
    try {
      const { requestedAt } = await multicloudApi.refreshSource(
        row.kind,
        row.id,
      );
      setRequested(current => ({
        ...current,
        [row.key]: { requestedAt, askedAt },
      }));
    } catch (e) {
      setRequested(current => {
        const { [row.key]: _refused, ...rest } = current;
        return rest;
      });
      alertApi.post({
        message: `Could not refresh ${row.id}: ${describeActionError(e, {
          permission: multicloudSourceRefreshPermission,
        })}`,
        severity: 'error',
      });
    }
  };

  if (initial.loading) {
    return <Progress />;
  }
  if (initial.error) {
    return (
      <LoadErrorPanel
        title="Could not load the sources"
        notAllowedTitle="You may not see the sources"
        required={{ permission: multicloudSourceReadPermission }}
        error={initial.error}
      />
    );
  }
  if (rows.length === 0) {
    return <NoSources />;
  }

  const columns: TableColumn<SourceRow>[] = [
    {
      title: 'Source',
      field: 'id',
      highlight: true,
      render: row => <TwoLines first={row.id} second={row.type} />,
    },
    {
      title: 'Status',
      field: 'status',
      render: row => (
        <div className={classes.nowrap}>
          <StatusLabel
            status={row.status}
            partial={row.status !== 'failed' && row.errors.length > 0}
          />
        </div>
      ),
    },
    {
      title: 'Last run',
      field: 'lastRun.finishedAt',
      render: row =>
        row.lastRun ? (
          <TwoLines
            first={
              <span data-last-run-started-at={row.lastRun.startedAt}>
                <RelativeTime time={row.lastRun.finishedAt} />
              </span>
            }
            second={`took ${formatDuration(
              Date.parse(row.lastRun.finishedAt) -
                Date.parse(row.lastRun.startedAt),
            )}`}
          />
        ) : (
          '–'
        ),
    },
    {
      title: 'Counts',
      field: 'counts',
      sorting: false,
      render: row => row.counts ?? '–',
    },
    {
      title: 'In the catalog',
      field: 'catalog.entities',
      render: row =>
        row.catalog ? (
          <TwoLines
            first={`${row.catalog.entities} entities`}
            second={row.catalog.ingested ? 'ingested' : 'not ingested yet'}
          />
        ) : (
          '–'
        ),
    },
    {
      title: 'Last error',
      field: 'errors',
      sorting: false,
      width: '30%',
      render: row =>
        row.errors.length ? (
          <pre className={classes.error}>{row.errors.join('\n')}</pre>
        ) : (
          '–'
        ),
    },
    {
      title: 'Next run',
      field: 'nextRunAt',
      render: row => (
        <TwoLines
          first={row.nextRunAt ? <RelativeTime time={row.nextRunAt} /> : '–'}
          second={row.schedule}
        />
      ),
    },
  ];
  if (canRefresh) {
    columns.push({
      title: 'Refresh',
      sorting: false,
      render: row =>
        requested[row.key] ? (
          <Button
            size="small"
            variant="outlined"
            className={classes.nowrap}
            disabled
          >
            Refresh requested
          </Button>
        ) : (
          <Button
            size="small"
            variant="outlined"
            color="primary"
            className={classes.nowrap}
            disabled={row.running}
            aria-label={`Refresh now (${row.id})`}
            onClick={() => refresh(row)}
          >
            Refresh now
          </Button>
        ),
    });
  }

  return (
    <Table<SourceRow>
      title="Cloud sources and cost folders"
      subtitle="Each one's last run, what it read and changed, and when it runs next"
      columns={columns}
      // material-table writes its state into the row objects: hand it copies.
      data={rows.map(row => ({ ...row }))}
      options={{
        search: false,
        padding: 'dense',
        paging: rows.length > 10,
        pageSize: 10,
        pageSizeOptions: [10, 25, 50],
      }}
    />
  );
};
