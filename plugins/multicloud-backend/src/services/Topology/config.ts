import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** Visible nodes above which groups collapse, unless configured. */
export const DEFAULT_NODE_BUDGET = 150;

/** `multicloud.topology` with its defaults (documented in config.d.ts). */
export type TopologyConfig = { nodeBudget: number };

export function readTopologyConfig(root: Config): TopologyConfig {
  const nodeBudget =
    root.getOptionalNumber('multicloud.topology.nodeBudget') ??
    DEFAULT_NODE_BUDGET;
  if (!Number.isInteger(nodeBudget) || nodeBudget < 1) {
    throw new InputError(
      `multicloud.topology.nodeBudget must be a whole number of at least 1, for example ${DEFAULT_NODE_BUDGET}; got ${nodeBudget}`,
    );
  }
  return { nodeBudget };
}
