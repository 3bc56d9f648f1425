export { EntityTopologyCard } from './EntityTopologyCard';
export { TopologyCardLinkedToTab } from './TopologyCardLinkedToTab';
