import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAzureInventory } from './parseAzureInventory';

const SUB = '6f2e8c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-shop-prod`;
const MC_RG = `/subscriptions/${SUB}/resourceGroups/MC_rg-shop-prod_aks-shop_westeurope`;
const VM = `${RG}/providers/Microsoft.Compute/virtualMachines/vm-shop-01`;
const OS_DISK = `/subscriptions/${SUB}/resourceGroups/RG-SHOP-PROD/providers/Microsoft.Compute/disks/vm-shop-01_OsDisk_1_7d3c5e0b2a5f4b8e9c1d`;
const DATA_DISK = `${RG}/providers/Microsoft.Compute/disks/vm-shop-01-data01`;
const NIC = `${RG}/providers/Microsoft.Network/networkInterfaces/vm-shop-01-nic01`;
const PE_NIC = `${RG}/providers/Microsoft.Network/networkInterfaces/pe-sql-shop-prod.nic.0c4f7d2e-91b3-4a58-8e6f-2b7d9c1a5e30`;
const VNET = `${RG}/providers/Microsoft.Network/virtualNetworks/vnet-shop-prod`;
const SNET_APP = `${VNET}/subnets/snet-app`;
const SNET_DATA = `${VNET}/subnets/snet-data`;
const NSG = `${RG}/providers/Microsoft.Network/networkSecurityGroups/nsg-shop-app`;
const PIP = `${RG}/providers/Microsoft.Network/publicIPAddresses/pip-shop-01`;
const PE = `${RG}/providers/Microsoft.Network/privateEndpoints/pe-sql-shop-prod`;
const SQL = `${RG}/providers/Microsoft.Sql/servers/sql-shop-prod`;
const AKS = `${RG}/providers/Microsoft.ContainerService/managedClusters/aks-shop`;

function fixture(name: string): unknown {
  return JSON.parse(
    readFileSync(join(__dirname, '__fixtures__', name), 'utf8'),
  );
}

describe('parseAzureInventory', () => {
  const resources = fixture('az-resource-list.json');
  const groups = fixture('az-group-list.json');
  const vms = fixture('az-vm-list.json');
  const nics = fixture('az-network-nic-list.json');
  const vnets = fixture('az-network-vnet-list.json');
  const privateEndpoints = fixture('az-network-private-endpoint-list.json');
  const nsgs = fixture('az-network-nsg-list.json');
  const publicIps = fixture('az-network-public-ip-list.json');
  const sqlServers = fixture('az-sql-server-list.json');
  const disks = fixture('az-disk-list.json');

  it('relates resources through the settings that `az vm`, `az network nic`, `vnet` and `private-endpoint list` print', () => {
    const parsed = parseAzureInventory(
      [resources, groups, vms, nics, vnets, privateEndpoints],
      { source: 'azure.json' },
    );
    const byId = new Map(parsed.map(r => [r.nativeId, r]));
    const targetsOf = (id: string) =>
      byId.get(id)!.relations.map(r => r.targetNativeId);

    // The lists name resources again: one resource per id, with the fields
    // of `az resource list` and the relations of the others.
    expect(parsed).toHaveLength(20);
    expect(byId.get(VM)).toMatchObject({
      name: 'vm-shop-01',
      tags: { owner: 'team-shop', system: 'shop', env: 'prod' },
      status: 'Succeeded',
    });
    // VM -> NIC -> subnet -> VNet; VM -> OS and data disk (the OS disk's id
    // spells the group in upper case, as in az resource list).
    expect(targetsOf(VM)).toEqual([RG, NIC, OS_DISK, DATA_DISK]);
    expect(targetsOf(NIC)).toEqual([RG, SNET_APP, PIP, NSG]);
    expect(targetsOf(SNET_APP)).toEqual([RG, VNET, NSG]);
    expect(targetsOf(SNET_DATA)).toEqual([RG, VNET]);
    expect(byId.get(SNET_APP)).toMatchObject({
      type: 'azure-subnet',
      name: 'snet-app',
      region: 'westeurope',
      tags: {},
      status: 'Succeeded',
      costResourceId: SNET_APP.toLowerCase(),
    });
    // Private endpoint -> the resource it connects to, its subnet and NIC.
    expect(targetsOf(PE)).toEqual([RG, SQL, SNET_DATA, PE_NIC]);
    expect(targetsOf(PE_NIC)).toEqual([RG, SNET_DATA]);
    // AKS -> its node resource group (which names the cluster in managedBy).
    expect(targetsOf(AKS)).toEqual([RG, MC_RG]);

    // The same, whatever order the outputs come in.
    expect(
      parseAzureInventory([
        privateEndpoints,
        vnets,
        nics,
        vms,
        groups,
        resources,
      ]).map(r => [r.nativeId, r.relations]),
    ).toEqual(parsed.map(r => [r.nativeId, r.relations]));
  });

  it('writes the facts the alert rules read from `az network nsg list`, `network public-ip list`, `sql server list` and `disk list`', () => {
    const parsed = parseAzureInventory([
      resources,
      groups,
      vms,
      nics,
      vnets,
      privateEndpoints,
      nsgs,
      publicIps,
      sqlServers,
      disks,
    ]);
    const byId = new Map(parsed.map(r => [r.nativeId, r]));
    const annotationsOf = (id: string) => byId.get(id)!.annotations!;

    // Inbound Allow rules from anywhere, one entry per source and port; not
    // the office range, the denied SSH or the default rules.
    expect(
      JSON.parse(annotationsOf(NSG)['multicloud.io/open-ingress']),
    ).toEqual([
      { protocol: 'tcp', ports: '443', source: 'Internet' },
      { protocol: 'tcp', ports: '3389', source: '*' },
      { protocol: 'all', ports: '1433', source: '0.0.0.0/0' },
      { protocol: 'all', ports: '3306', source: '0.0.0.0/0' },
      { protocol: 'all', ports: '1433', source: '::/0' },
      { protocol: 'all', ports: '3306', source: '::/0' },
    ]);
    expect(annotationsOf(PIP)).toMatchObject({
      'multicloud.io/attached': 'true',
      'multicloud.io/public-ip': '198.51.100.40',
    });
    expect(
      annotationsOf(
        `${RG}/providers/Microsoft.Network/publicIPAddresses/pip-shop-legacy`,
      ),
    ).toMatchObject({
      'multicloud.io/attached': 'false',
      'multicloud.io/public-ip': '198.51.100.41',
    });
    // Public network access is the server's; its databases do not repeat it.
    expect(annotationsOf(SQL)['multicloud.io/public-ip']).toBe('true');
    expect(
      annotationsOf(`${SQL}/databases/orders`)['multicloud.io/public-ip'],
    ).toBeUndefined();
    expect(annotationsOf(OS_DISK)['multicloud.io/attached']).toBe('true');
    expect(annotationsOf(DATA_DISK)['multicloud.io/attached']).toBe('true');
    expect(
      annotationsOf(
        `${RG}/providers/Microsoft.Compute/disks/vm-shop-00-data01`,
      )['multicloud.io/attached'],
    ).toBe('false');
    // A disk being exported (ActiveSAS) that no VM manages is not attached.
    expect(
      annotationsOf(`${RG}/providers/Microsoft.Compute/disks/disk-shop-export`)[
        'multicloud.io/attached'
      ],
    ).toBe('false');
  });

  it('tells attachment from what other lists say when a resource has no settings of its own', () => {
    // az resource list alone: disks by managedBy; a public IP is unknown.
    const bare = new Map(
      parseAzureInventory(resources).map(r => [r.nativeId, r.annotations!]),
    );
    expect(bare.get(OS_DISK)!['multicloud.io/attached']).toBe('true');
    expect(bare.get(PIP)).not.toHaveProperty(['multicloud.io/attached']);
    expect(bare.get(NSG)).not.toHaveProperty(['multicloud.io/open-ingress']);
    // With the NICs: the public IP a NIC uses is attached.
    const withNics = new Map(
      parseAzureInventory([resources, nics]).map(r => [
        r.nativeId,
        r.annotations!,
      ]),
    );
    expect(withNics.get(PIP)!['multicloud.io/attached']).toBe('true');
    // A disk no VM manages or lists is not attached.
    const orphan = parseAzureInventory([
      {
        id: `${RG}/providers/Microsoft.Compute/disks/orphan`,
        name: 'orphan',
        type: 'Microsoft.Compute/disks',
        location: 'westeurope',
        managedBy: null,
        properties: null,
      },
    ]);
    expect(orphan[0].annotations!['multicloud.io/attached']).toBe('false');
  });

  it('relates a VM to the disks that name it in managedBy, from az resource list alone', () => {
    const parsed = parseAzureInventory(resources);
    expect(parsed.find(r => r.nativeId === VM)!.relations).toEqual([
      { type: 'dependsOn', targetNativeId: RG },
      { type: 'dependsOn', targetNativeId: OS_DISK },
      { type: 'dependsOn', targetNativeId: DATA_DISK },
    ]);
    // Without the settings: no NIC, subnet or private endpoint relations.
    expect(
      parsed
        .find(r => r.nativeId === NIC)!
        .relations.map(r => r.targetNativeId),
    ).toEqual([`/subscriptions/${SUB}/resourceGroups/rg-shop-prod`]);
  });

  it('maps `az resource list` and `az group list` given together', () => {
    const parsed = parseAzureInventory([resources, groups], {
      source: 'azure.json',
    });
    expect(parsed).toHaveLength(18);
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
    expect(parsed).toHaveLength(15);
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
