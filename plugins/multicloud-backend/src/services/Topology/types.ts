import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  TopologyDirection,
  TopologyResponse,
} from '@multicloud/plugin-multicloud-common';

/** One topology request, parameters already checked. */
export type TopologyRequest = {
  /** Lower-cased entity ref. */
  entityRef: string;
  /** Relation hops to follow, 1 to 5. */
  depth: number;
  /** Unset: `downstream`, or `both` for a Resource. */
  direction?: TopologyDirection;
  /** Ids or keys of groups to show expanded, whatever the node budget. */
  expand: string[];
  /** The caller: the catalog is read with these, so entities they cannot see are left out. */
  credentials: BackstageCredentials;
  /**
   * Of the given entity refs, those whose cost the caller may see
   * (`multicloud.cost.read`); only their nodes carry a cost. Unset: no costs.
   */
  costReadable?: (entityRefs: string[]) => Promise<ReadonlySet<string>>;
};

/** Builds the infrastructure graph around a catalog entity. */
export interface TopologyService {
  /**
   * @throws NotFoundError when the entity does not exist or the caller cannot
   *   see it; InputError when `expand` names a group the graph does not have.
   */
  topology(request: TopologyRequest): Promise<TopologyResponse>;
}

/** What the topology reads of a catalog entity. */
export type GraphEntity = {
  /** Lower-cased entity ref, the key everywhere. */
  ref: string;
  /** Lower-cased kind. */
  kind: string;
  namespace: string;
  name: string;
  title: string;
  type?: string;
  /** Resources: `multicloud.io/provider`. */
  provider?: string;
  /** Resources: account / subscription / project / cluster. */
  account?: string;
  region?: string;
  /** Resources: `multicloud.io/status` as the provider words it. */
  rawStatus?: string;
  /** Target refs lower-cased. */
  relations: Array<{ type: string; targetRef: string }>;
};

/** Reads entities the caller can see; unreadable and missing refs are absent from the answer. */
export type FetchEntities = (
  refs: string[],
) => Promise<Map<string, GraphEntity>>;
