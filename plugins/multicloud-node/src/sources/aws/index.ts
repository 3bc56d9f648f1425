export { createAwsSourceFromConfig } from './createAwsSource';
export type {
  AwsSourceTestOptions,
  AwsStaticCredentials,
} from './createAwsSource';
export { parseAwsInventory } from './parseAwsInventory';
export type { AwsInventoryContext } from './parseAwsInventory';
