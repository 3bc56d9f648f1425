export { createCostRuleSet } from './createCostRuleSet';
export { createHygieneRuleSet } from './createHygieneRuleSet';
export { createSavingsRuleSet } from './createSavingsRuleSet';
export { readAlertRulesConfig } from './config';
export type {
  AlertRulesConfig,
  CostRulesConfig,
  HygieneRulesConfig,
  RuleSettings,
  SavingsRulesConfig,
} from './config';
