import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AzureArmRecord,
  mapAzureResources,
  mappedFieldsOf,
} from './mapAzureResources';
import { parseAzureInventory } from './parseAzureInventory';

const SUB = '6f2e8c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-shop-prod`;
const MC_RG = `/subscriptions/${SUB}/resourceGroups/MC_rg-shop-prod_aks-shop_westeurope`;

function fixture(name: string): unknown {
  return JSON.parse(
    readFileSync(join(__dirname, '__fixtures__', name), 'utf8'),
  );
}

describe('parseAzureInventory', () => {
  const resources = fixture('az-resource-list.json');
  const groups = fixture('az-group-list.json');

  it('maps the fields a live source keeps of each record as the whole records', () => {
    const records = [
      ...(resources as AzureArmRecord[]),
      ...(groups as AzureArmRecord[]),
    ];
    expect(mapAzureResources(records.map(mappedFieldsOf))).toEqual(
      mapAzureResources(records),
    );
  });

  it('maps `az resource list` and `az group list` given together', () => {
    const parsed = parseAzureInventory([resources, groups], {
      source: 'azure.json',
    });
    expect(parsed).toHaveLength(11);
    expect(parsed.map(r => r.nativeId)).toEqual(
      [...parsed.map(r => r.nativeId)].sort(),
    );
    const byId = new Map(parsed.map(r => [r.nativeId, r]));

    expect(byId.get(RG)).toEqual({
      provider: 'azure',
      accountId: SUB,
      region: 'westeurope',
      type: 'azure-resource-group',
      nativeId: RG,
      name: 'rg-shop-prod',
      tags: { owner: 'team-shop', system: 'shop' },
      status: 'Succeeded',
      relations: [],
      consoleUrl: `https://portal.azure.com/#@/resource${RG}`,
      costResourceId: RG.toLowerCase(),
      annotations: {
        'management.azure.com/resource-id': RG,
        'management.azure.com/subscription-id': SUB,
      },
    });

    const disk = parsed.find(r => r.type === 'azure-disk')!;
    expect(disk.nativeId).toContain('/resourceGroups/RG-SHOP-PROD/');
    expect(disk.tags).toEqual({});
    expect(disk.relations).toEqual([{ type: 'dependsOn', targetNativeId: RG }]);
    expect(disk.costResourceId).toBe(disk.nativeId.toLowerCase());

    const database = byId.get(
      `${RG}/providers/Microsoft.Sql/servers/sql-shop-prod/databases/orders`,
    )!;
    expect(database).toMatchObject({
      type: 'azure-sql-database',
      name: 'sql-shop-prod/orders',
      tags: { owner: 'team-shop', component: 'orders-api' },
      relations: [
        { type: 'dependsOn', targetNativeId: RG },
        {
          type: 'dependsOn',
          targetNativeId: `${RG}/providers/Microsoft.Sql/servers/sql-shop-prod`,
        },
      ],
    });

    const actionGroup = parsed.find(r => r.name === 'shop-oncall')!;
    expect(actionGroup).toMatchObject({
      type: 'azure-insights-actiongroups',
      region: 'global',
      relations: [{ type: 'dependsOn', targetNativeId: RG }],
    });

    expect(parsed.find(r => r.type === 'azure-storage-account')!.name).toBe(
      'Shop product images',
    );
    expect(parsed.find(r => r.type === 'azure-vm-scale-set')).toMatchObject({
      status: 'Updating',
      relations: [{ type: 'dependsOn', targetNativeId: MC_RG }],
    });
    expect(parsed.find(r => r.type === 'azure-aks-cluster')!.consoleUrl).toBe(
      `https://portal.azure.com/#@/resource${RG}/providers/Microsoft.ContainerService/managedClusters/aks-shop`,
    );
  });

  it('maps a plain `az resource list`, pointing at the groups its ids name', () => {
    const parsed = parseAzureInventory(resources, {
      portalUrl: 'https://portal.azure.us/',
    });
    expect(parsed).toHaveLength(8);
    expect(parsed.find(r => r.type === 'azure-disk')!.relations).toEqual([
      {
        type: 'dependsOn',
        targetNativeId: `/subscriptions/${SUB}/resourceGroups/RG-SHOP-PROD`,
      },
    ]);
    expect(parsed[0].consoleUrl).toMatch(
      /^https:\/\/portal\.azure\.us\/#@\/resource\/subscriptions\//,
    );
  });

  it('maps a plain `az group list`', () => {
    const parsed = parseAzureInventory(groups);
    expect(parsed.map(r => [r.name, r.type, r.tags])).toEqual([
      [
        'MC_rg-shop-prod_aks-shop_westeurope',
        'azure-resource-group',
        {
          'aks-managed-cluster-name': 'aks-shop',
          'aks-managed-cluster-rg': 'rg-shop-prod',
        },
      ],
      ['NetworkWatcherRG', 'azure-resource-group', {}],
      [
        'rg-shop-prod',
        'azure-resource-group',
        { owner: 'team-shop', system: 'shop' },
      ],
    ]);
  });

  it('rejects JSON that is not an ARM list, naming the file', () => {
    expect(() =>
      parseAzureInventory({ value: [] }, { source: 'x.json' }),
    ).toThrow(/x\.json: expected the JSON array printed by 'az resource list'/);
    expect(() =>
      parseAzureInventory([{ name: 'no id' }], { source: 'y.json' }),
    ).toThrow(/y\.json: item 0 is not an ARM resource/);
  });
});
