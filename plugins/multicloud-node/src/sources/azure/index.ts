export { createAzureSourceFromConfig } from './createAzureSource';
export type { AzureSourceTestOptions } from './createAzureSource';
export { parseAzureInventory } from './parseAzureInventory';
export type { AzureInventoryContext } from './parseAzureInventory';
