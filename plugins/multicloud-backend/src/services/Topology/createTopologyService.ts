import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TopologyCost } from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { addDays } from '../CostAnalytics/dates';
import { buildGraph } from './buildGraph';
import { readCosts } from './costs';
import { catalogFetch } from './graphEntity';
import { collapseGroups } from './groups';
import { toMermaid } from './mermaid';
import { resolveNetworks } from './networks';
import {
  kindOfRef,
  readNeighbourhood,
  relationTypesFor,
} from './readNeighbourhood';
import { TopologyService } from './types';

/** Days the node costs cover, ending yesterday (today's costs are incomplete). */
const COST_DAYS = 30;

/**
 * Creates the {@link TopologyService}. The catalog is read with the caller's
 * credentials, one batch per level of the graph and only the fields the
 * graph uses; costs come from the daily rollups in one query.
 */
export function createTopologyService(options: {
  knex: Knex;
  catalog: CatalogService;
  /** Visible nodes above which groups collapse (`multicloud.topology.nodeBudget`). */
  nodeBudget: number;
  now?: () => Date;
}): TopologyService {
  const { knex, catalog, nodeBudget } = options;

  return {
    async topology(request) {
      const { entityRef, depth, credentials } = request;
      const direction =
        request.direction ??
        (kindOfRef(entityRef) === 'resource' ? 'both' : 'downstream');

      const fetch = catalogFetch(
        catalog,
        credentials,
        relationTypesFor(direction),
      );
      const neighbourhood = await readNeighbourhood({
        fetch,
        rootRef: entityRef,
        depth,
        direction,
      });
      if (!neighbourhood) {
        throw new NotFoundError(
          `No entity ${entityRef} in the catalog, or you are not allowed to see it`,
        );
      }
      const { root, entities } = neighbourhood;

      const yesterday = addDays(
        (options.now?.() ?? new Date()).toISOString().slice(0, 10),
        -1,
      );
      const costPeriod = {
        from: addDays(yesterday, -(COST_DAYS - 1)),
        to: yesterday,
      };
      const [{ networkOf, networks }, costs] = await Promise.all([
        resolveNetworks(entities, fetch),
        request.costReadable
          ? request
              .costReadable([...entities.keys()])
              .then(refs => readCosts(knex, [...refs], costPeriod))
          : new Map<string, TopologyCost>(),
      ]);

      const graph = buildGraph({ root, entities, networkOf, networks, costs });
      const expand = new Set<string>();
      for (const wanted of request.expand) {
        const group = graph.groups.find(
          g => g.id === wanted || g.key === wanted,
        );
        if (!group) {
          throw new InputError(
            `expand: this graph has no group "${wanted}"; pass the id (or key) of one of its groups`,
          );
        }
        expand.add(group.id);
      }
      const view = collapseGroups(graph, { nodeBudget, expand });

      return {
        entityRef: root.ref,
        depth,
        direction,
        nodes: view.nodes,
        edges: view.edges,
        groups: view.groups,
        mermaid: toMermaid(view),
        totalNodes: graph.nodes.length,
        visibleNodes: view.nodes.length,
        nodeBudget,
        costPeriod,
      };
    },
  };
}
