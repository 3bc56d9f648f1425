import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import alphaPlugin from './alpha';
import { isCostAvailable } from './lib/costEntities';
import { isTopologyAvailable } from './lib/topologyEntities';
import { multicloudPlugin } from './plugin';
import { isAlertsAvailable } from './components/AlertsTab/alertEntities';
import {
  alertsContentRouteRef,
  costContentRouteRef,
  topologyContentRouteRef,
} from './routes';

function entityOfKind(kind: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'x' },
  };
}

describe('multicloud frontend plugin', () => {
  it('offers the same plugin id on both frontend systems', () => {
    expect(multicloudPlugin.getId()).toBe('multicloud');
    expect(alphaPlugin.pluginId).toBe('multicloud');
  });

  it('mounts the Cloud overview page at /multicloud in the new frontend system', () => {
    const tester = createExtensionTester(
      alphaPlugin.getExtension('page:multicloud'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/multicloud');
  });

  it('adds a Cost tab to the entity kinds that carry cost', () => {
    const tester = createExtensionTester(
      alphaPlugin.getExtension('entity-content:multicloud/cost'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('cost');
    expect(tester.get(coreExtensionData.routeRef)).toBe(costContentRouteRef);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Cost');
    expect(tester.get(EntityContentBlueprint.dataRefs.group)).toBe(
      'observability',
    );

    const applies = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    for (const kind of ['Component', 'System', 'Domain', 'Group', 'Resource']) {
      expect(applies(entityOfKind(kind))).toBe(true);
      expect(isCostAvailable(entityOfKind(kind))).toBe(true);
    }
    for (const kind of ['API', 'User', 'Template', 'Location']) {
      expect(applies(entityOfKind(kind))).toBe(false);
      expect(isCostAvailable(entityOfKind(kind))).toBe(false);
    }
    expect(isCostAvailable(entityOfKind('component'))).toBe(true);
  });

  it('adds a cost and alerts card to the Overview of the entity kinds that carry cost', () => {
    const card = createExtensionTester(
      alphaPlugin.getExtension('entity-card:multicloud/overview'),
    );
    expect(card.get(EntityCardBlueprint.dataRefs.type)).toBe('info');

    const applies = card.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    for (const kind of ['Component', 'System', 'Domain', 'Group', 'Resource']) {
      expect(applies(entityOfKind(kind))).toBe(true);
    }
    for (const kind of ['API', 'User', 'Template', 'Location']) {
      expect(applies(entityOfKind(kind))).toBe(false);
    }
  });

  it('lets the app config move a tab to another group or out of every group', () => {
    const moved = createExtensionTester(
      alphaPlugin.getExtension('entity-content:multicloud/cost'),
      { config: { group: 'operation' } },
    );
    expect(moved.get(EntityContentBlueprint.dataRefs.group)).toBe('operation');

    const ungrouped = createExtensionTester(
      alphaPlugin.getExtension('entity-content:multicloud/alerts'),
      { config: { group: false } },
    );
    expect(
      ungrouped.get(EntityContentBlueprint.dataRefs.group),
    ).toBeUndefined();
  });

  it('adds a Topology tab and an Overview card to the entity kinds with a topology', () => {
    const tab = createExtensionTester(
      alphaPlugin.getExtension('entity-content:multicloud/topology'),
    );
    expect(tab.get(coreExtensionData.routePath)).toBe('topology');
    expect(tab.get(coreExtensionData.routeRef)).toBe(topologyContentRouteRef);
    expect(tab.get(EntityContentBlueprint.dataRefs.title)).toBe('Topology');
    expect(tab.get(EntityContentBlueprint.dataRefs.group)).toBe('deployment');

    const card = createExtensionTester(
      alphaPlugin.getExtension('entity-card:multicloud/topology'),
    );
    expect(card.get(EntityCardBlueprint.dataRefs.type)).toBe('info');

    for (const applies of [
      tab.get(EntityContentBlueprint.dataRefs.filterFunction)!,
      card.get(EntityCardBlueprint.dataRefs.filterFunction)!,
      isTopologyAvailable,
    ]) {
      for (const kind of [
        'Component',
        'System',
        'Domain',
        'Group',
        'Resource',
      ]) {
        expect(applies(entityOfKind(kind))).toBe(true);
      }
      for (const kind of ['API', 'User', 'Template', 'Location']) {
        expect(applies(entityOfKind(kind))).toBe(false);
      }
    }
    expect(isTopologyAvailable(entityOfKind('resource'))).toBe(true);
  });

  it('adds an Alerts tab and an Overview card to the entity kinds alerts are about', () => {
    const tab = createExtensionTester(
      alphaPlugin.getExtension('entity-content:multicloud/alerts'),
    );
    expect(tab.get(coreExtensionData.routePath)).toBe('alerts');
    expect(tab.get(coreExtensionData.routeRef)).toBe(alertsContentRouteRef);
    expect(tab.get(EntityContentBlueprint.dataRefs.title)).toBe('Alerts');
    expect(tab.get(EntityContentBlueprint.dataRefs.group)).toBe('operation');

    const card = createExtensionTester(
      alphaPlugin.getExtension('entity-card:multicloud/alerts'),
    );
    expect(card.get(EntityCardBlueprint.dataRefs.type)).toBe('info');

    for (const applies of [
      tab.get(EntityContentBlueprint.dataRefs.filterFunction)!,
      card.get(EntityCardBlueprint.dataRefs.filterFunction)!,
      isAlertsAvailable,
    ]) {
      for (const kind of [
        'Component',
        'System',
        'Domain',
        'Group',
        'Resource',
      ]) {
        expect(applies(entityOfKind(kind))).toBe(true);
      }
      for (const kind of ['API', 'User', 'Template', 'Location']) {
        expect(applies(entityOfKind(kind))).toBe(false);
      }
    }
    expect(isAlertsAvailable(entityOfKind('group'))).toBe(true);
  });
});
