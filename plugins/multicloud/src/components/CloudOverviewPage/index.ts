export { CloudOverviewPage } from './CloudOverviewPage';
