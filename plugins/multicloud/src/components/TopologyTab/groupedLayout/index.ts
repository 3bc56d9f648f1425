export { GROUPED_LAYOUT, groupedLayoutLoader } from './groupedLayout';
