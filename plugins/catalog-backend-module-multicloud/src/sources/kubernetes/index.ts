export { createKubernetesSource } from './createKubernetesSource';
export { parseKubernetesInventory } from './parseKubernetesInventory';
