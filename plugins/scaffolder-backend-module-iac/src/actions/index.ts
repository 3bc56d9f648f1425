export { createTerraformPlanAction } from './terraform/terraformPlan';
export { createTerraformApplyAction } from './terraform/terraformApply';
export { createTerraformDestroyAction } from './terraform/terraformDestroy';
export { createAnsiblePlaybookRunAction } from './ansible/ansiblePlaybookRun';
export { createHelmReleaseUpgradeAction } from './helm/helmReleaseUpgrade';
export { createHelmReleaseUninstallAction } from './helm/helmReleaseUninstall';
