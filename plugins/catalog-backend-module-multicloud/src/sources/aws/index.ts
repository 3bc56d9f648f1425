export { createAwsSource } from './createAwsSource';
export { parseAwsInventory } from './parseAwsInventory';
export type { AwsInventoryContext } from './parseAwsInventory';
