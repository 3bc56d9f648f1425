export { EntityAlertsCard } from './EntityAlertsCard';
export { AlertsCardLinkedToTab } from './AlertsCardLinkedToTab';
