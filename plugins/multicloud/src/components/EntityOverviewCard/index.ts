export { EntityOverviewCard, useEntityTabLink } from './EntityOverviewCard';
