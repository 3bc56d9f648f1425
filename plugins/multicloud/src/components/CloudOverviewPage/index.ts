export { CloudOverviewContent, CloudOverviewPage } from './CloudOverviewPage';
