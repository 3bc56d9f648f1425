import { InputError } from '@backstage/errors';
import {
  TOPOLOGY_DIRECTIONS,
  TopologyDirection,
} from '@multicloud/plugin-multicloud-common';
import { parseEntityRefParam } from './params';

export const DEFAULT_TOPOLOGY_DEPTH = 2;
export const MAX_TOPOLOGY_DEPTH = 5;

type Query = Record<string, unknown>;

/** The parameters of `GET /topology`, checked. */
export function parseTopologyQuery(query: Query): {
  entityRef: string;
  depth: number;
  direction?: TopologyDirection;
  expand: string[];
} {
  const entityRef = parseEntityRefParam(query.entityRef);

  let depth = DEFAULT_TOPOLOGY_DEPTH;
  if (query.depth !== undefined && query.depth !== '') {
    const pattern = new RegExp(`^[1-${MAX_TOPOLOGY_DEPTH}]$`);
    if (typeof query.depth !== 'string' || !pattern.test(query.depth)) {
      throw new InputError(
        `depth must be a whole number from 1 to ${MAX_TOPOLOGY_DEPTH}, given once; got "${query.depth}"`,
      );
    }
    depth = Number(query.depth);
  }

  let direction: TopologyDirection | undefined;
  if (query.direction !== undefined && query.direction !== '') {
    if (
      typeof query.direction !== 'string' ||
      !TOPOLOGY_DIRECTIONS.includes(query.direction as TopologyDirection)
    ) {
      throw new InputError(
        `direction must be one of ${TOPOLOGY_DIRECTIONS.join(', ')}; got "${
          query.direction
        }"`,
      );
    }
    direction = query.direction as TopologyDirection;
  }

  const expand = [query.expand ?? []].flat();
  if (expand.some(value => typeof value !== 'string' || !value)) {
    throw new InputError(
      'expand must be the id of a group of the graph, for example expand=g3 (repeat it to open several)',
    );
  }
  return { entityRef, depth, direction, expand: expand as string[] };
}
