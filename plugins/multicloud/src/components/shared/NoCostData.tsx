import { EmptyState, InfoCard, Link } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  CostFilters,
  MULTICLOUD_ANNOTATIONS,
  multicloudCostImportPermission,
} from '@multicloud/plugin-multicloud-common';
import { describeCostFilters } from '../../lib/costFilters';
import { formatTimestamp } from '../../lib/format';

/**
 * What to do when no cost shows up: cost reaches an entity through its
 * Resource entities' resource ids or through tags, once a FOCUS export has
 * been imported. How to import one is told only to who may
 * (`multicloud.cost.import`).
 */
export const NoCostData = (props: {
  /** `entity` on an entity's Cost tab, `organisation` on the overview page. */
  scope: 'entity' | 'organisation';
  from: string;
  to: string;
  lastImportAt: string | null;
}) => {
  const { scope, from, to, lastImportAt } = props;
  const { allowed: canImport } = usePermission({
    permission: multicloudCostImportPermission,
  });
  const imported = lastImportAt
    ? `Cost data was last imported ${formatTimestamp(lastImportAt)}.`
    : 'No cost data has been imported yet.';
  return (
    <EmptyState
      missing="data"
      title={
        scope === 'entity'
          ? 'No cost attributed to this entity'
          : 'No cost data for this period'
      }
      description={`Nothing was billed ${
        scope === 'entity' ? 'to it ' : ''
      }from ${from} to ${to}. ${imported}`}
      action={
        <Box>
          <Typography variant="subtitle1" component="h3">
            How cost gets attributed
          </Typography>
          <ul>
            <li>
              {canImport ? (
                <Typography variant="body2">
                  A FOCUS cost export has to be imported: post it to{' '}
                  <code>POST /api/multicloud/cost/imports</code> (CSV, CSV.gz or
                  Parquet) or drop it in one of the import folders configured
                  for the multicloud backend. See the{' '}
                  <Link to="https://focus.finops.org/">
                    FOCUS specification
                  </Link>{' '}
                  for the export format.
                </Typography>
              ) : (
                <Typography variant="body2">
                  A FOCUS cost export has to be imported by your Backstage
                  admins (it takes the permission{' '}
                  <code>{multicloudCostImportPermission.name}</code>).
                </Typography>
              )}
            </li>
            <li>
              <Typography variant="body2">
                Cost rows join Resource entities by their{' '}
                <code>{MULTICLOUD_ANNOTATIONS.resourceId}</code> annotation; the
                multicloud entity provider sets it on every resource it
                discovers. Cost then rolls up to the Components that depend on
                the resource, their System, Domain and owner Group.
              </Typography>
            </li>
            <li>
              <Typography variant="body2">
                Resources outside the catalog count when they are tagged with{' '}
                <code>component</code>, <code>system</code> or{' '}
                <code>owner</code>, naming the entity.
              </Typography>
            </li>
          </ul>
        </Box>
      }
    />
  );
};

/** A filtered view with nothing in its period: says which filters, and how to widen them. */
export const NoMatchingCost = (props: { filters: CostFilters }) => (
  <InfoCard title="No cost matches the filters">
    <Typography variant="body2">
      Nothing in this period matches{' '}
      {describeCostFilters(props.filters).join(', ')}. Remove a filter or pick a
      longer period; values are matched exactly, as the cost export has them
      (for example the provider <code>AWS</code>, the region{' '}
      <code>eu-west-1</code>).
    </Typography>
  </InfoCard>
);
