import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { TopologyResponse } from '@multicloud/plugin-multicloud-common';
import { formatCurrency } from '../../lib/format';
import { hasNoRelations, providerTotals } from '../../lib/topology';
import { EntityOverviewCard, useEntityTabLink } from '../EntityOverviewCard';

const DIRECTION_WORDS: Record<TopologyResponse['direction'], string> = {
  downstream: 'what it depends on',
  upstream: 'what depends on it',
  both: 'both ways',
};

const useStyles = makeStyles({
  number: { whiteSpace: 'nowrap' },
});

const ProviderTable = (props: { response: TopologyResponse }) => {
  const { response } = props;
  const classes = useStyles();
  const { providers, outsideClouds } = providerTotals(response);
  const showCost = providers.some(provider => provider.monthlyCost);
  return (
    <>
      <Table size="small" aria-label="Entities by provider">
        <TableHead>
          <TableRow>
            <TableCell>Provider</TableCell>
            <TableCell align="right" className={classes.number}>
              Entities
            </TableCell>
            {showCost && <TableCell align="right">Cost</TableCell>}
          </TableRow>
        </TableHead>
        <TableBody>
          {providers.map(provider => (
            <TableRow key={provider.label}>
              <TableCell>{provider.label}</TableCell>
              <TableCell align="right">{provider.entities}</TableCell>
              {showCost && (
                <TableCell align="right" className={classes.number}>
                  {provider.monthlyCost
                    ? formatCurrency(
                        provider.monthlyCost.amount,
                        provider.monthlyCost.currency,
                      )
                    : '–'}
                </TableCell>
              )}
            </TableRow>
          ))}
          {outsideClouds > 0 && (
            <TableRow>
              <TableCell>Catalog entities outside a cloud</TableCell>
              <TableCell align="right">{outsideClouds}</TableCell>
              {showCost && <TableCell />}
            </TableRow>
          )}
        </TableBody>
      </Table>
      {showCost && (
        <Typography variant="caption" color="textSecondary">
          Cost from {response.costPeriod.from} to {response.costPeriod.to}.
        </Typography>
      )}
    </>
  );
};

/**
 * A small card for an entity's Overview: how much infrastructure is around
 * it, by cloud provider, with a link to the Topology tab. Needs an
 * `EntityProvider` around it.
 *
 * @public
 */
export const EntityTopologyCard = (props: {
  /** Where the Topology tab is; the entity page's `topology` path by default. */
  tabLink?: string;
}) => {
  const link = useEntityTabLink('topology', props.tabLink);
  return (
    <EntityOverviewCard
      title="Topology"
      link={link}
      linkTitle="View topology"
      load={(api, entityRef) => api.getTopology({ entityRef })}
      errorTitle="Could not load the topology"
    >
      {response =>
        hasNoRelations(response) ? (
          <Typography variant="body2">
            Nothing is related to this entity yet. The Topology tab says how
            resources get related.
          </Typography>
        ) : (
          <>
            <Typography variant="body2" paragraph>
              {response.totalNodes} entities within {response.depth}{' '}
              {response.depth === 1 ? 'hop' : 'hops'},{' '}
              {DIRECTION_WORDS[response.direction]}.
            </Typography>
            <ProviderTable response={response} />
          </>
        )
      }
    </EntityOverviewCard>
  );
};
