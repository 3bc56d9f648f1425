export { createAzureSource } from './createAzureSource';
export { parseAzureInventory } from './parseAzureInventory';
export type { AzureInventoryContext } from './parseAzureInventory';
