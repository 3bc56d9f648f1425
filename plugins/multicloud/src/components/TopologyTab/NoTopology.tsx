import { EmptyState } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { TopologyDirection } from '@multicloud/plugin-multicloud-common';

const DIRECTION_WORDS: Record<TopologyDirection, string> = {
  downstream: 'nothing it depends on or consists of',
  upstream: 'nothing that depends on it or that it is part of',
  both: 'no relations in either direction',
};

/**
 * What to do when an entity has nothing around it: the topology follows
 * catalog relations, which the entity provider writes from cloud tags.
 */
export const NoTopology = (props: { direction: TopologyDirection }) => {
  const { direction } = props;
  return (
    <EmptyState
      missing="data"
      title="Nothing related to this entity yet"
      description={`The topology follows the catalog's dependsOn and hasPart relations (and, from a Group, what it owns); this entity has ${
        DIRECTION_WORDS[direction]
      }.${
        direction === 'both'
          ? ''
          : ' Choose the direction Both to see relations the other way.'
      }`}
      action={
        <Box>
          <Typography variant="subtitle1" component="h3">
            How resources get related
          </Typography>
          <ul>
            <li>
              <Typography variant="body2">
                The multicloud entity provider (
                <code>catalog.providers.multicloud</code>) turns every cloud
                resource it discovers into a Resource entity, and what a
                resource needs into <code>dependsOn</code> (an instance depends
                on its subnet, a subnet on its network).
              </Typography>
            </li>
            <li>
              <Typography variant="body2">
                Cloud resources join the catalog's entities when they are tagged
                with <code>component</code>, <code>system</code> or{' '}
                <code>owner</code>, naming the entity: a <code>component</code>{' '}
                tag makes the Component depend on the resource, a{' '}
                <code>system</code> tag makes the resource part of the System,
                and <code>owner</code> (or <code>team</code>) names the Group
                that owns it.
              </Typography>
            </li>
            <li>
              <Typography variant="body2">
                Entities in catalog files relate the same way:{' '}
                <code>spec.dependsOn</code> on a Component or Resource,{' '}
                <code>spec.system</code> on a Component or Resource, and{' '}
                <code>spec.domain</code> on a System.
              </Typography>
            </li>
          </ul>
        </Box>
      }
    />
  );
};
