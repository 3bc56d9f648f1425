import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import alphaPlugin from './alpha';
import { multicloudPlugin } from './plugin';

describe('multicloud frontend plugin', () => {
  it('offers the same plugin id on both frontend systems', () => {
    expect(multicloudPlugin.getId()).toBe('multicloud');
    expect(alphaPlugin.id).toBe('multicloud');
  });

  it('mounts the Cloud overview page at /multicloud in the new frontend system', () => {
    const tester = createExtensionTester(
      alphaPlugin.getExtension('page:multicloud'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/multicloud');
  });
});
