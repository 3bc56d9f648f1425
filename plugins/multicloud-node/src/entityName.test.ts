import {
  DefaultNamespaceEntityPolicy,
  FieldFormatEntityPolicy,
} from '@backstage/catalog-model';
import { resourceEntityName } from './entityName';

const fieldFormat = new FieldFormatEntityPolicy();
const namespaces = new DefaultNamespaceEntityPolicy();

async function expectValidName(name: string) {
  const entity = await namespaces.enforce({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name },
    spec: { type: 'ec2-instance', owner: 'group:platform-team' },
  });
  await expect(fieldFormat.enforce(entity)).resolves.toBeDefined();
}

describe('resourceEntityName', () => {
  it('is a readable slug plus a hash of the native id, stable across calls', () => {
    const arn = 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc';
    const name = resourceEntityName('Checkout API (blue)', arn);
    expect(name).toMatch(/^checkout-api-blue-[0-9a-f]{8}$/);
    expect(resourceEntityName('Checkout API (blue)', arn)).toBe(name);
  });

  it('tells apart resources that share a human name', () => {
    const a = resourceEntityName(
      'web',
      '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web',
    );
    const b = resourceEntityName(
      'web',
      '/subscriptions/s2/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web',
    );
    expect(a).not.toBe(b);
  });

  it('keeps every result within the catalog name rules', async () => {
    const names = [
      resourceEntityName('x'.repeat(200), 'id-1'),
      resourceEntityName('Ünïcödé naïve café', 'id-2'),
      resourceEntityName('---', 'id-3'),
      resourceEntityName('', 'id-4'),
      resourceEntityName(`${'a'.repeat(54)}------tail`, 'id-5'),
    ];
    expect(names[1]).toMatch(/^unicode-naive-cafe-/);
    expect(names[2]).toMatch(/^resource-[0-9a-f]{8}$/);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(63);
      await expectValidName(name);
    }
  });
});
