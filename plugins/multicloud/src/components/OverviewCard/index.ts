export { EntityMulticloudOverviewCard } from './EntityMulticloudOverviewCard';
export { OverviewCardLinkedToTab } from './OverviewCardLinkedToTab';
