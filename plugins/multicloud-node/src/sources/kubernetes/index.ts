export { createKubernetesSourceFromConfig } from './createKubernetesSourceFromConfig';
export { parseKubernetesInventory } from './parseKubernetesInventory';
