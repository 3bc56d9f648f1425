import {
  InfoCard,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  ALERT_SEVERITIES,
  AlertTeamSummary,
  AlertsSummaryResponse,
  multicloudAlertReadPermission,
} from '@multicloud/plugin-multicloud-common';
import useAsync from 'react-use/esm/useAsync';
import { multicloudApiRef } from '../../api';
import { formatTimestamp } from '../../lib/format';
import { AlertCounts } from '../AlertsTab/AlertCounts';
import { LoadErrorPanel } from '../shared/LoadErrorPanel';
import {
  SEVERITY_LABELS,
  SeverityIcon,
  formatAmounts,
  hasSavings,
} from '../AlertsTab/alertLabels';

type TeamRow = AlertTeamSummary & {
  id: string;
  /** The savings in the first currency, for sorting. */
  saving: number;
};

function savingsSentence(summary: AlertsSummaryResponse): string {
  return hasSavings(summary.monthlySavings)
    ? `You could save ${formatAmounts(summary.monthlySavings)}/month`
    : 'No savings found';
}

const TeamTable = (props: { teams: AlertTeamSummary[] }) => {
  // material-table writes its state into the row objects: hand it copies.
  const rows: TeamRow[] = props.teams.map(team => ({
    ...team,
    id: team.ownerRef,
    saving: team.monthlySavings[0]?.amount ?? 0,
  }));
  const columns: TableColumn<TeamRow>[] = [
    {
      title: 'Team',
      field: 'ownerRef',
      highlight: true,
      render: row => <EntityRefLink entityRef={row.ownerRef} />,
    },
    ...ALERT_SEVERITIES.map(
      (severity, index): TableColumn<TeamRow> => ({
        title: (
          <span aria-label={SEVERITY_LABELS[severity]}>
            <SeverityIcon severity={severity} /> {SEVERITY_LABELS[severity]}
          </span>
        ),
        field: `counts.${severity}`,
        type: 'numeric',
        defaultSort: index === 0 ? 'desc' : undefined,
        customSort: (a, b) => a.counts[severity] - b.counts[severity],
        render: row => row.counts[severity],
      }),
    ),
    {
      title: 'You could save',
      field: 'saving',
      type: 'numeric',
      render: row =>
        hasSavings(row.monthlySavings)
          ? `${formatAmounts(row.monthlySavings)}/month`
          : '–',
    },
  ];
  return (
    <Table<TeamRow>
      title="Open alerts and savings by team"
      columns={columns}
      data={rows}
      options={{
        search: false,
        padding: 'dense',
        paging: rows.length > 10,
        pageSize: 10,
        pageSizeOptions: [10, 25, 50],
      }}
      emptyContent={
        <Typography variant="body2" align="center" color="textSecondary">
          No team has open alerts or savings.
        </Typography>
      }
    />
  );
};

/**
 * Open alerts by severity and the monthly savings found, across every team
 * and per owner group.
 */
export const AlertsByTeam = () => {
  const multicloudApi = useApi(multicloudApiRef);
  const summary = useAsync(
    () => multicloudApi.getAlertsSummary(),
    [multicloudApi],
  );

  if (summary.loading) {
    return <Progress />;
  }
  if (summary.error) {
    return (
      <LoadErrorPanel
        title="Could not load the alerts summary"
        notAllowedTitle="You may not see the alerts summary"
        required={{ permission: multicloudAlertReadPermission }}
        error={summary.error}
      />
    );
  }
  const response = summary.value!;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title={savingsSentence(response)}
          subheader={`Open and acknowledged alerts across every team; ${
            response.evaluatedAt
              ? `evaluated ${formatTimestamp(response.evaluatedAt)}`
              : 'not evaluated yet'
          }`}
        >
          <AlertCounts
            counts={response.counts}
            monthlySavings={response.monthlySavings}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <TeamTable teams={response.teams} />
      </Grid>
    </Grid>
  );
};
