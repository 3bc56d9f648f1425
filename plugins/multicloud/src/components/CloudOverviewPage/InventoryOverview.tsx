import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  MulticloudInventoryCount,
  MulticloudInventoryResponse,
} from '@multicloud/plugin-multicloud-common';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { multicloudApiRef } from '../../api';
import { catalogResourcesQuery, topCounts } from '../../lib/inventory';
import { catalogIndexRouteRef } from '../../routes';
import { formatRelativeTime } from '../AlertsTab/alertLabels';

/** How many values each breakdown lists before "and K more". */
const TOP_VALUES = 8;

/** A number, linked to the catalog's list of what it counts when the catalog can list it. */
const CountLink = (props: {
  count: number;
  to?: string;
  /** What the link lists, for screen readers and on hover. */
  title: string;
}) =>
  props.to ? (
    <Link to={props.to} title={props.title} aria-label={props.title}>
      {props.count}
    </Link>
  ) : (
    <span>{props.count}</span>
  );

/**
 * One dimension's largest counts. `link` gives the catalog query of a value
 * when the catalog index can filter on it; `label` how to show a value.
 */
const Breakdown = (props: {
  title: string;
  counts: MulticloudInventoryCount[];
  label?: (count: MulticloudInventoryCount) => ReactNode;
  link?: (count: MulticloudInventoryCount) => string | undefined;
}) => {
  const { title, counts, label, link } = props;
  const { shown, more } = topCounts(counts, TOP_VALUES);
  return (
    <InfoCard title={title} noPadding>
      <List dense aria-label={title}>
        {shown.map(count => (
          <ListItem key={`${count.provider ?? ''}/${count.key}`}>
            <ListItemText
              primary={label ? label(count) : count.key}
              secondary={
                count.provider && label === undefined
                  ? count.provider
                  : undefined
              }
            />
            <CountLink
              count={count.count}
              to={link?.(count)}
              title={`${count.count} resources: ${count.key}`}
            />
          </ListItem>
        ))}
        {shown.length === 0 && (
          <ListItem>
            <ListItemText secondary="None" />
          </ListItem>
        )}
        {more > 0 && (
          <ListItem>
            <ListItemText secondary={`and ${more} more`} />
          </ListItem>
        )}
      </List>
    </InfoCard>
  );
};

/** A headline number with what it counts. */
const Headline = (props: {
  label: string;
  count: number;
  to?: string;
  description: string;
}) => (
  <InfoCard>
    <Typography variant="body2" color="textSecondary">
      {props.label}
    </Typography>
    <Typography variant="h4" component="p" data-headline={props.label}>
      <CountLink
        count={props.count}
        to={props.to}
        title={`${props.count} ${props.label.toLowerCase()}`}
      />
    </Typography>
    <Typography variant="body2" color="textSecondary">
      {props.description}
    </Typography>
  </InfoCard>
);

const Changes = (props: { response: MulticloudInventoryResponse }) => (
  <InfoCard
    title="Changes since the last run"
    subheader="What each source's last applied run added to the catalog and removed from it"
    noPadding
  >
    <List dense aria-label="Changes since the last run">
      {props.response.changes.map(change => (
        <ListItem key={change.sourceId}>
          <ListItemText
            primary={change.sourceId}
            secondary={
              <span title={change.finishedAt}>
                {formatRelativeTime(change.finishedAt)}
              </span>
            }
          />
          <Typography variant="body2">
            +{change.added} −{change.removed}
          </Typography>
        </ListItem>
      ))}
      {props.response.changes.length === 0 && (
        <ListItem>
          <ListItemText secondary="No source has applied a run yet" />
        </ListItem>
      )}
    </List>
  </InfoCard>
);

/**
 * The catalog's cloud resources counted: in all, by provider, type, account,
 * region and owning team, the unowned and untagged ones, and what each
 * source's last run changed. Counts of a type or a team link to that list in
 * the catalog; provider, account and region are annotations the catalog
 * index cannot filter on, so their counts are plain numbers.
 */
export const InventoryOverview = () => {
  const multicloudApi = useApi(multicloudApiRef);
  const catalogIndex = useRouteRef(catalogIndexRouteRef);
  const inventory = useAsync(
    () => multicloudApi.getInventory(),
    [multicloudApi],
  );

  if (inventory.loading) {
    return <Progress />;
  }
  if (inventory.error) {
    return (
      <ResponseErrorPanel
        title="Could not load the inventory"
        error={inventory.error}
      />
    );
  }
  const response = inventory.value!;
  const catalogLink = (filter: { type?: string; owner?: string }) =>
    catalogIndex && `${catalogIndex()}?${catalogResourcesQuery(filter)}`;

  if (response.total === 0) {
    return (
      <Grid container spacing={3}>
        <Grid item xs={12} md={8}>
          <EmptyState
            missing="data"
            title="No cloud resources in the catalog"
            description="None of the catalog's Resource entities you may see came from a multicloud source. The Sources below say whether the sources have run, and why a run failed."
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <Changes response={response} />
        </Grid>
      </Grid>
    );
  }

  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={4}>
        <Headline
          label="Cloud resources"
          count={response.total}
          description="Resource entities of the multicloud sources that you may see"
        />
      </Grid>
      <Grid item xs={12} sm={6} md={4}>
        <Headline
          label="Unowned"
          count={response.unowned}
          description="Their owner tag named no team: they went to their source's default owner"
        />
      </Grid>
      <Grid item xs={12} sm={6} md={4}>
        <Headline
          label="Untagged"
          count={response.untagged}
          description="They carry no tags at all"
        />
      </Grid>
      <Grid item xs={12} sm={6} md={4}>
        <Breakdown title="By provider" counts={response.byProvider} />
      </Grid>
      <Grid item xs={12} sm={6} md={4}>
        <Breakdown
          title="By type"
          counts={response.byType}
          link={count => catalogLink({ type: count.key })}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={4}>
        <Breakdown
          title="By team"
          counts={response.byOwner}
          label={count => <EntityRefLink entityRef={count.key} />}
          link={count => catalogLink({ owner: count.key })}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={6}>
        <Breakdown title="By account" counts={response.byAccount} />
      </Grid>
      <Grid item xs={12} sm={6} md={6}>
        <Breakdown title="By region" counts={response.byRegion} />
      </Grid>
      <Grid item xs={12}>
        <Changes response={response} />
      </Grid>
    </Grid>
  );
};
