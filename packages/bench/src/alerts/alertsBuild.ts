/*
 * Builds the kept store of the alerts benchmark in its own Node process
 * (forked by alertsBench.ts), with bench:cost's builder
 * (../cost/queryBuild.ts, `buildKeptStore`) on the alerts estate:
 *   alertsBuild.ts <json: AlertsBuildInput>
 * the plugin on an empty database with the estate's catalog, one FOCUS file
 * per billing month through `POST /cost/imports` (the lines' spikes in
 * them), `POST /cost/rebuild`, then the kept name. Sends { type: 'built',
 * info } and exits.
 */
import { QueryBuildInput, buildKeptStore } from '../cost/queryBuild';
import { storeKey } from '../cost/queryStore';
import { runPhase, sendToParent } from '../shared/process';
import { planAlertsEstate } from './alertsEstate';

export type AlertsBuildInput = QueryBuildInput & { resources: number };

async function main() {
  const input: AlertsBuildInput = JSON.parse(process.argv[2]);
  const estate = planAlertsEstate(input.facts, input.resources);
  const key = storeKey(estate, input.facts);
  if (key !== input.key) {
    throw new Error(
      `The estate planned here (key ${key}) is not the parent's (${input.key})`,
    );
  }
  const info = await buildKeptStore(input, estate);
  await sendToParent({ type: 'built', info });
}

runPhase(main);
