export {
  createTerraformPlanAction,
  type IacActionOptions,
} from './terraformPlan';
export { createTerraformApplyAction } from './terraformApply';
export { createTerraformDestroyAction } from './terraformDestroy';
export { createAnsiblePlaybookRunAction } from './ansiblePlaybookRun';
export { createHelmReleaseUpgradeAction } from './helmReleaseUpgrade';
export { createHelmReleaseUninstallAction } from './helmReleaseUninstall';
