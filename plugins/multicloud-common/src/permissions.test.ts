import {
  isCreatePermission,
  isUpdatePermission,
} from '@backstage/plugin-permission-common';
import {
  multicloudAlertUpdatePermission,
  multicloudCostImportPermission,
  multicloudPermissions,
} from './permissions';

describe('multicloudPermissions', () => {
  it('holds the permissions DESIGN.md promises plus budget updates, named multicloud.<resource>.<verb>', () => {
    expect(multicloudPermissions.map(p => p.name).sort()).toEqual([
      'multicloud.alert.read',
      'multicloud.alert.update',
      'multicloud.budget.update',
      'multicloud.cost.import',
      'multicloud.cost.read',
    ]);
    for (const permission of multicloudPermissions) {
      expect(permission.name).toMatch(/^multicloud\.[a-z]+\.[a-z]+$/);
    }
  });

  it('makes every permission on one entity a catalog-entity resource permission, and the import a basic one', () => {
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
    });
  });

  it('gives writes a write action so policies can tell them from reads', () => {
    expect(isCreatePermission(multicloudCostImportPermission)).toBe(true);
    expect(isUpdatePermission(multicloudAlertUpdatePermission)).toBe(true);
    const reads = multicloudPermissions.filter(
      p => p.attributes.action === 'read',
    );
    expect(reads.map(p => p.name).sort()).toEqual([
      'multicloud.alert.read',
      'multicloud.cost.read',
    ]);
  });
});
