export { EntityAlertsContent } from './EntityAlertsContent';
export { AlertCounts } from './AlertCounts';
export { ALERT_ENTITY_KINDS, isAlertsAvailable } from './alertEntities';
export { SeverityLabel, formatAmounts, hasSavings } from './alertLabels';
