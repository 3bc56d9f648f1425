import {
  isCreatePermission,
  isUpdatePermission,
} from '@backstage/plugin-permission-common';
import {
  multicloudAlertUpdatePermission,
  multicloudCostImportPermission,
  multicloudPermissions,
  multicloudSourceRefreshPermission,
} from './permissions';

describe('multicloudPermissions', () => {
  it('holds the permissions DESIGN.md promises plus budget updates and sources, named multicloud.<resource>.<verb>', () => {
    expect(multicloudPermissions.map(p => p.name).sort()).toEqual([
      'multicloud.alert.read',
      'multicloud.alert.update',
      'multicloud.budget.update',
      'multicloud.cost.import',
      'multicloud.cost.read',
      'multicloud.source.read',
      'multicloud.source.refresh',
    ]);
    for (const permission of multicloudPermissions) {
      expect(permission.name).toMatch(/^multicloud\.[a-z]+\.[a-z]+$/);
    }
  });

  it('makes every permission on one entity a catalog-entity resource permission, and the import and sources basic ones', () => {
    expect(
      Object.fromEntries(
        multicloudPermissions.map(p => [
          p.name,
          p.type === 'resource' ? p.resourceType : p.type,
        ]),
      ),
    ).toEqual({
      'multicloud.alert.read': 'catalog-entity',
      'multicloud.alert.update': 'catalog-entity',
      'multicloud.budget.update': 'catalog-entity',
      'multicloud.cost.import': 'basic',
      'multicloud.cost.read': 'catalog-entity',
      'multicloud.source.read': 'basic',
      'multicloud.source.refresh': 'basic',
    });
  });

  it('gives writes a write action so policies can tell them from reads', () => {
    expect(isCreatePermission(multicloudCostImportPermission)).toBe(true);
    expect(isUpdatePermission(multicloudAlertUpdatePermission)).toBe(true);
    expect(isUpdatePermission(multicloudSourceRefreshPermission)).toBe(true);
    const reads = multicloudPermissions.filter(
      p => p.attributes.action === 'read',
    );
    expect(reads.map(p => p.name).sort()).toEqual([
      'multicloud.alert.read',
      'multicloud.cost.read',
      'multicloud.source.read',
    ]);
  });
});
