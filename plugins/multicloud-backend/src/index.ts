/**
 * Backend plugin for the cost, topology and alerts of catalog entities: it
 * imports FOCUS cost exports, maps entities to their cloud resources and
 * raises budget, anomaly, hygiene and Alertmanager alerts.
 *
 * @packageDocumentation
 */

export { multicloudPlugin as default } from './plugin';
