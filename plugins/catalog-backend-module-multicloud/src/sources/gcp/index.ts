export { createGcpSource } from './createGcpSource';
export { parseGcpInventory } from './parseGcpInventory';
