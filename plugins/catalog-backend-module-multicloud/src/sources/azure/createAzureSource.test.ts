import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { createAzureSource } from './createAzureSource';
import {
  armError,
  armListOf,
  armPage,
  ArmReply,
  ArmRequest,
  FakeArmServer,
  startFakeArmServer,
} from '../../testUtils/fakeArmServer';

const SUB_A = '0b1f6471-1bf0-4dda-aec3-111122223333';
const SUB_B = '9c5d2e11-7a3b-4f60-8d9e-444455556666';
const API_VERSION = /^\d{4}-\d{2}-\d{2}$/;

let server: FakeArmServer;
let baseUrl: string;
let certificate: string;
/** Answers a request instead of the fake ARM's subscriptions, when it returns a reply. */
let fault: ((request: ArmRequest) => ArmReply | undefined) | undefined;
let requests: ArmRequest[];

const rgId = (sub: string, rg: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}`;

function group(sub: string, name: string, tags?: Record<string, string>) {
  return {
    id: rgId(sub, name),
    name,
    type: 'Microsoft.Resources/resourceGroups',
    location: 'westeurope',
    managedBy: null,
    tags,
    properties: { provisioningState: 'Succeeded' },
  };
}

function resource(
  sub: string,
  rg: string,
  path: string,
  extra: Record<string, unknown> = {},
) {
  const [namespace, ...rest] = path.split('/');
  return {
    id: `${rgId(sub, rg)}/providers/${path}`,
    name: rest.filter((_, i) => i % 2 === 1).join('/'),
    type: [namespace, ...rest.filter((_, i) => i % 2 === 0)].join('/'),
    location: 'westeurope',
    createdTime: '2025-01-10T08:00:00.0000000Z',
    changedTime: '2025-03-01T08:00:00.0000000Z',
    provisioningState: 'Succeeded',
    ...extra,
  };
}

const VM = `${rgId(
  SUB_A,
  'rg-web',
)}/providers/Microsoft.Compute/virtualMachines/vm-web-1`;
const OS_DISK = `${rgId(
  SUB_A,
  'RG-WEB',
)}/providers/Microsoft.Compute/disks/vm-web-1_OsDisk_1`;
const NIC = `${rgId(
  SUB_A,
  'rg-web',
)}/providers/Microsoft.Network/networkInterfaces/nic-web-1`;
const VNET = `${rgId(
  SUB_A,
  'rg-web',
)}/providers/Microsoft.Network/virtualNetworks/vnet-a`;
const SNET_WEB = `${VNET}/subnets/snet-web`;
const SNET_DATA = `${VNET}/subnets/snet-data`;
const NSG = `${rgId(
  SUB_A,
  'rg-web',
)}/providers/Microsoft.Network/networkSecurityGroups/nsg-web`;
const PIP = `${rgId(
  SUB_A,
  'rg-web',
)}/providers/Microsoft.Network/publicIPAddresses/pip-web-1`;
const SQL = `${rgId(SUB_A, 'rg-data')}/providers/Microsoft.Sql/servers/sql-a`;
const PE = `${rgId(
  SUB_A,
  'rg-data',
)}/providers/Microsoft.Network/privateEndpoints/pe-sql-a`;
const PE_NIC = `${rgId(
  SUB_A,
  'rg-data',
)}/providers/Microsoft.Network/networkInterfaces/pe-sql-a.nic.1`;

/** Subscription A lists its resources in 3 pages and its groups in 2. */
const RESOURCE_PAGES: Record<string, unknown[][]> = {
  [SUB_A]: [
    [
      resource(SUB_A, 'rg-web', 'Microsoft.Compute/virtualMachines/vm-web-1', {
        tags: { owner: 'team-web', Name: 'Web frontend 1' },
      }),
      resource(SUB_A, 'RG-WEB', 'Microsoft.Compute/disks/vm-web-1_OsDisk_1', {
        tags: null,
      }),
      resource(
        SUB_A,
        'rg-web',
        'Microsoft.Network/networkInterfaces/nic-web-1',
      ),
    ],
    [
      resource(SUB_A, 'rg-data', 'Microsoft.Sql/servers/sql-a', {
        tags: { owner: 'team-data' },
      }),
      resource(
        SUB_A,
        'rg-data',
        'Microsoft.Sql/servers/sql-a/databases/orders',
        {
          tags: { component: 'orders' },
        },
      ),
      resource(SUB_A, 'rg-data', 'Microsoft.Network/privateEndpoints/pe-sql-a'),
      resource(
        SUB_A,
        'rg-data',
        'Microsoft.Network/networkInterfaces/pe-sql-a.nic.1',
      ),
    ],
    [
      resource(SUB_A, 'rg-web', 'Microsoft.Web/staticSites/docs', {
        location: undefined,
        provisioningState: undefined,
      }),
      resource(SUB_A, 'rg-web', 'Microsoft.Network/virtualNetworks/vnet-a'),
      resource(
        SUB_A,
        'rg-web',
        'Microsoft.Network/networkSecurityGroups/nsg-web',
      ),
      resource(
        SUB_A,
        'rg-web',
        'Microsoft.Network/publicIPAddresses/pip-web-1',
      ),
    ],
  ],
  [SUB_B]: [
    [resource(SUB_B, 'rg-b', 'Microsoft.Storage/storageAccounts/stb001')],
  ],
};
const GROUP_PAGES: Record<string, unknown[][]> = {
  [SUB_A]: [
    [group(SUB_A, 'rg-web', { owner: 'team-web' })],
    [group(SUB_A, 'rg-data')],
  ],
  [SUB_B]: [[group(SUB_B, 'rg-b')]],
};

/**
 * What the providers' own subscription-wide lists return for subscription A,
 * in ARM's shape: the settings in `properties`. The network interfaces come
 * in two pages.
 */
const DETAIL_PAGES: Record<string, unknown[][]> = {
  'Microsoft.Compute/virtualMachines': [
    [
      {
        id: VM,
        name: 'vm-web-1',
        type: 'Microsoft.Compute/virtualMachines',
        location: 'westeurope',
        tags: { owner: 'team-web', Name: 'Web frontend 1' },
        properties: {
          vmId: '0f6a0e5c-1b7d-4c38-9a0e-3d5b7c9e1f20',
          hardwareProfile: { vmSize: 'Standard_B2s' },
          networkProfile: { networkInterfaces: [{ id: NIC }] },
          storageProfile: {
            // ARM spells the group in lower case here, in upper case in the disk's id.
            osDisk: {
              name: 'vm-web-1_OsDisk_1',
              managedDisk: { id: OS_DISK.replace('RG-WEB', 'rg-web') },
            },
            dataDisks: [],
          },
          provisioningState: 'Succeeded',
        },
      },
    ],
  ],
  'Microsoft.Network/networkInterfaces': [
    [
      {
        id: NIC,
        name: 'nic-web-1',
        type: 'Microsoft.Network/networkInterfaces',
        location: 'westeurope',
        properties: {
          ipConfigurations: [
            {
              id: `${NIC}/ipConfigurations/ipconfig1`,
              name: 'ipconfig1',
              properties: {
                privateIPAddress: '10.1.0.4',
                subnet: { id: SNET_WEB },
                publicIPAddress: { id: PIP },
              },
            },
          ],
          networkSecurityGroup: { id: NSG },
          virtualMachine: { id: VM },
        },
      },
    ],
    [
      {
        id: PE_NIC,
        name: 'pe-sql-a.nic.1',
        type: 'Microsoft.Network/networkInterfaces',
        location: 'westeurope',
        properties: {
          ipConfigurations: [
            {
              id: `${PE_NIC}/ipConfigurations/privateEndpointIpConfig`,
              properties: { subnet: { id: SNET_DATA } },
            },
          ],
          privateEndpoint: { id: PE },
        },
      },
    ],
  ],
  'Microsoft.Network/virtualNetworks': [
    [
      {
        id: VNET,
        name: 'vnet-a',
        type: 'Microsoft.Network/virtualNetworks',
        location: 'westeurope',
        properties: {
          addressSpace: { addressPrefixes: ['10.1.0.0/16'] },
          subnets: [
            {
              id: SNET_WEB,
              name: 'snet-web',
              properties: {
                addressPrefix: '10.1.0.0/24',
                networkSecurityGroup: { id: NSG },
                provisioningState: 'Succeeded',
              },
            },
            {
              id: SNET_DATA,
              name: 'snet-data',
              properties: {
                addressPrefix: '10.1.1.0/24',
                provisioningState: 'Succeeded',
              },
            },
          ],
        },
      },
    ],
  ],
  'Microsoft.Network/networkSecurityGroups': [
    [
      {
        id: NSG,
        name: 'nsg-web',
        type: 'Microsoft.Network/networkSecurityGroups',
        location: 'westeurope',
        properties: {
          securityRules: [
            {
              id: `${NSG}/securityRules/allow-ssh-anywhere`,
              name: 'allow-ssh-anywhere',
              properties: {
                protocol: 'Tcp',
                sourcePortRange: '*',
                destinationPortRange: '22',
                sourceAddressPrefix: '*',
                destinationAddressPrefix: '*',
                access: 'Allow',
                priority: 100,
                direction: 'Inbound',
              },
            },
            {
              id: `${NSG}/securityRules/allow-web`,
              name: 'allow-web',
              properties: {
                protocol: '*',
                sourcePortRange: '*',
                destinationPortRanges: ['80', '443-444'],
                sourceAddressPrefixes: ['Internet', '10.0.0.0/8'],
                destinationAddressPrefix: '*',
                access: 'Allow',
                priority: 110,
                direction: 'Inbound',
              },
            },
            {
              id: `${NSG}/securityRules/deny-rdp`,
              name: 'deny-rdp',
              properties: {
                protocol: 'Tcp',
                sourcePortRange: '*',
                destinationPortRange: '3389',
                sourceAddressPrefix: 'Internet',
                destinationAddressPrefix: '*',
                access: 'Deny',
                priority: 120,
                direction: 'Inbound',
              },
            },
            {
              id: `${NSG}/securityRules/allow-sql-from-vnet`,
              name: 'allow-sql-from-vnet',
              properties: {
                protocol: 'Tcp',
                sourcePortRange: '*',
                destinationPortRange: '1433',
                sourceAddressPrefix: 'VirtualNetwork',
                destinationAddressPrefix: '*',
                access: 'Allow',
                priority: 130,
                direction: 'Inbound',
              },
            },
            {
              id: `${NSG}/securityRules/allow-all-out`,
              name: 'allow-all-out',
              properties: {
                protocol: '*',
                sourcePortRange: '*',
                destinationPortRange: '*',
                sourceAddressPrefix: '*',
                destinationAddressPrefix: '*',
                access: 'Allow',
                priority: 100,
                direction: 'Outbound',
              },
            },
          ],
          defaultSecurityRules: [
            {
              id: `${NSG}/defaultSecurityRules/DenyAllInBound`,
              name: 'DenyAllInBound',
              properties: {
                protocol: '*',
                sourcePortRange: '*',
                destinationPortRange: '*',
                sourceAddressPrefix: '*',
                destinationAddressPrefix: '*',
                access: 'Deny',
                priority: 65500,
                direction: 'Inbound',
              },
            },
          ],
        },
      },
    ],
  ],
  'Microsoft.Network/publicIPAddresses': [
    [
      {
        id: PIP,
        name: 'pip-web-1',
        type: 'Microsoft.Network/publicIPAddresses',
        location: 'westeurope',
        sku: { name: 'Standard', tier: 'Regional' },
        properties: {
          publicIPAddressVersion: 'IPv4',
          publicIPAllocationMethod: 'Static',
          ipAddress: '198.51.100.20',
          ipConfiguration: { id: `${NIC}/ipConfigurations/ipconfig1` },
        },
      },
    ],
  ],
  'Microsoft.Sql/servers': [
    [
      {
        id: SQL,
        name: 'sql-a',
        type: 'Microsoft.Sql/servers',
        location: 'westeurope',
        kind: 'v12.0',
        properties: {
          fullyQualifiedDomainName: 'sql-a.database.windows.net',
          publicNetworkAccess: 'Enabled',
          state: 'Ready',
          version: '12.0',
        },
      },
    ],
  ],
  'Microsoft.Network/privateEndpoints': [
    [
      {
        id: PE,
        name: 'pe-sql-a',
        type: 'Microsoft.Network/privateEndpoints',
        location: 'westeurope',
        properties: {
          privateLinkServiceConnections: [
            {
              id: `${PE}/privateLinkServiceConnections/pe-sql-a`,
              name: 'pe-sql-a',
              properties: {
                privateLinkServiceId: SQL,
                groupIds: ['sqlServer'],
              },
            },
          ],
          manualPrivateLinkServiceConnections: [],
          subnet: { id: SNET_DATA },
          networkInterfaces: [{ id: PE_NIC }],
        },
      },
    ],
  ],
};

/**
 * The subscriptions' lists: `GET /subscriptions/{id}/resources|resourcegroups`
 * and the providers' lists `GET /subscriptions/{id}/providers/{namespace}/{type}`,
 * paged by `$skiptoken` (the page's index).
 */
function arm({ url }: ArmRequest): ArmReply {
  const list = armListOf(url);
  let pages: unknown[][] | undefined;
  if (list?.list === 'provider') {
    pages =
      list.subscriptionId === SUB_A && url.searchParams.get('api-version')
        ? DETAIL_PAGES[list.type]
        : undefined;
  } else if (list) {
    pages = (list.list === 'resources' ? RESOURCE_PAGES : GROUP_PAGES)[
      list.subscriptionId
    ];
  }
  if (!pages) {
    return armError(404, 'NotFound', `No route for ${url.pathname}`);
  }
  const index = Number(url.searchParams.get('$skiptoken') ?? 0);
  return armPage(
    url,
    pages[index],
    index + 1 < pages.length ? String(index + 1) : undefined,
  );
}

const credential = {
  scopes: [] as string[][],
  async getToken(scopes: string | string[]) {
    this.scopes.push([scopes].flat());
    return { token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

function createSource(
  config: Record<string, unknown> = {},
  logger = mockServices.logger.mock(),
) {
  return createAzureSource({
    id: 'azure-test',
    config: new ConfigReader({
      type: 'azure',
      subscriptionIds: [SUB_A, SUB_B],
      endpoint: baseUrl,
      caCertificate: certificate,
      retries: 3,
      ...config,
    }),
    logger,
    credential,
    retryBaseDelayMs: 1,
  });
}

beforeAll(async () => {
  server = await startFakeArmServer({
    reply: request => fault?.(request) ?? arm(request),
  });
  baseUrl = server.endpoint;
  certificate = server.certificate;
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  fault = undefined;
  server.requests.length = 0;
  requests = server.requests;
});

const byId = (resources: CloudResource[]) =>
  new Map(resources.map(r => [r.nativeId, r]));
const pathsOf = (sub: string, list: string) =>
  requests.filter(r => r.url.pathname === `/subscriptions/${sub}/${list}`);

describe('createAzureSource', () => {
  it('lists every page of resources and groups of two subscriptions through the SDK', async () => {
    const resources = await createSource().readResources();

    expect(resources.map(r => r.nativeId)).toEqual([
      OS_DISK,
      rgId(SUB_A, 'rg-data'),
      PE_NIC,
      PE,
      SQL,
      rgId(
        SUB_A,
        'rg-data/providers/Microsoft.Sql/servers/sql-a/databases/orders',
      ),
      rgId(SUB_A, 'rg-web'),
      VM,
      NIC,
      NSG,
      PIP,
      VNET,
      SNET_DATA,
      SNET_WEB,
      rgId(SUB_A, 'rg-web/providers/Microsoft.Web/staticSites/docs'),
      rgId(SUB_B, 'rg-b'),
      rgId(SUB_B, 'rg-b/providers/Microsoft.Storage/storageAccounts/stb001'),
    ]);
    expect(pathsOf(SUB_A, 'resources')).toHaveLength(3);
    expect(pathsOf(SUB_A, 'resourcegroups')).toHaveLength(2);
    expect(pathsOf(SUB_B, 'resources')).toHaveLength(1);
    const first = pathsOf(SUB_A, 'resources')[0].url;
    expect(first.searchParams.get('api-version')).toMatch(API_VERSION);
    expect(first.searchParams.get('$expand')).toBe('provisioningState');
    expect(
      pathsOf(SUB_A, 'resourcegroups')[0].url.searchParams.get('api-version'),
    ).toMatch(API_VERSION);
    expect(requests.every(r => r.authorization === 'Bearer test-token')).toBe(
      true,
    );
    expect(credential.scopes).toContainEqual([`${baseUrl}/.default`]);
  });

  it('maps names, types, tags, status, relations, cost ids, annotations and console links', async () => {
    const resources = byId(await createSource().readResources());
    const vmId = rgId(
      SUB_A,
      'rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-1',
    );

    expect(resources.get(vmId)).toEqual({
      provider: 'azure',
      accountId: SUB_A,
      region: 'westeurope',
      type: 'azure-virtual-machine',
      nativeId: vmId,
      name: 'Web frontend 1',
      tags: { owner: 'team-web', Name: 'Web frontend 1' },
      status: 'Succeeded',
      relations: [
        { type: 'dependsOn', targetNativeId: rgId(SUB_A, 'rg-web') },
        { type: 'dependsOn', targetNativeId: NIC },
        { type: 'dependsOn', targetNativeId: OS_DISK },
      ],
      consoleUrl: `https://portal.azure.com/#@/resource${vmId}`,
      costResourceId: vmId.toLowerCase(),
      annotations: {
        'management.azure.com/resource-id': vmId,
        'management.azure.com/subscription-id': SUB_A,
      },
    });
    expect(resources.get(rgId(SUB_A, 'rg-web'))).toMatchObject({
      type: 'azure-resource-group',
      name: 'rg-web',
      tags: { owner: 'team-web' },
      status: 'Succeeded',
      relations: [],
      costResourceId: `/subscriptions/${SUB_A}/resourcegroups/rg-web`,
    });
    // The disk's id names its group in upper case; the relation uses the group's own id.
    expect(
      resources.get(
        rgId(
          SUB_A,
          'RG-WEB/providers/Microsoft.Compute/disks/vm-web-1_OsDisk_1',
        ),
      ),
    ).toMatchObject({
      type: 'azure-disk',
      tags: {},
      relations: [{ type: 'dependsOn', targetNativeId: rgId(SUB_A, 'rg-web') }],
    });
    expect(
      resources.get(
        rgId(
          SUB_A,
          'rg-data/providers/Microsoft.Sql/servers/sql-a/databases/orders',
        ),
      ),
    ).toMatchObject({
      type: 'azure-sql-database',
      name: 'sql-a/orders',
      relations: [
        { type: 'dependsOn', targetNativeId: rgId(SUB_A, 'rg-data') },
        {
          type: 'dependsOn',
          targetNativeId: rgId(
            SUB_A,
            'rg-data/providers/Microsoft.Sql/servers/sql-a',
          ),
        },
      ],
    });
    const site = resources.get(
      rgId(SUB_A, 'rg-web/providers/Microsoft.Web/staticSites/docs'),
    )!;
    expect(site).toMatchObject({
      type: 'azure-web-static-sites',
      region: 'global',
      name: 'docs',
    });
    expect(site.status).toBeUndefined();
    expect(
      resources.get(
        rgId(SUB_B, 'rg-b/providers/Microsoft.Storage/storageAccounts/stb001'),
      ),
    ).toMatchObject({ accountId: SUB_B, type: 'azure-storage-account' });
  });

  it("relates VMs, network interfaces, subnets, virtual networks and private endpoints through the providers' lists, read once per type present", async () => {
    const resources = byId(await createSource().readResources());
    const targetsOf = (id: string) =>
      resources.get(id)!.relations.map(r => r.targetNativeId);

    expect(targetsOf(NIC)).toEqual([rgId(SUB_A, 'rg-web'), SNET_WEB, PIP, NSG]);
    expect(targetsOf(SNET_WEB)).toEqual([rgId(SUB_A, 'rg-web'), VNET, NSG]);
    expect(targetsOf(SNET_DATA)).toEqual([rgId(SUB_A, 'rg-web'), VNET]);
    expect(targetsOf(PE)).toEqual([
      rgId(SUB_A, 'rg-data'),
      SQL,
      SNET_DATA,
      PE_NIC,
    ]);
    expect(targetsOf(PE_NIC)).toEqual([rgId(SUB_A, 'rg-data'), SNET_DATA]);
    expect(resources.get(SNET_WEB)).toMatchObject({
      type: 'azure-subnet',
      name: 'snet-web',
      region: 'westeurope',
      status: 'Succeeded',
    });
    // A provider list's record adds relations, not another resource.
    expect(resources.get(VM)!.name).toBe('Web frontend 1');

    const providerLists = requests.filter(r =>
      r.url.pathname.includes('/providers/'),
    );
    expect(
      providerLists.map(
        r => `${r.url.pathname} ${r.url.searchParams.get('api-version')}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        `/subscriptions/${SUB_A}/providers/Microsoft.Compute/virtualMachines 2024-07-01`,
        `/subscriptions/${SUB_A}/providers/Microsoft.Network/virtualNetworks 2024-05-01`,
        `/subscriptions/${SUB_A}/providers/Microsoft.Network/privateEndpoints 2024-05-01`,
        `/subscriptions/${SUB_A}/providers/Microsoft.Network/networkSecurityGroups 2024-05-01`,
        `/subscriptions/${SUB_A}/providers/Microsoft.Network/publicIPAddresses 2024-05-01`,
        `/subscriptions/${SUB_A}/providers/Microsoft.Sql/servers 2021-11-01`,
      ]),
    );
    // One list per type (the NICs come in two pages); none for subscription
    // B, which has none of these types, and none for types no resource has
    // (PostgreSQL and MySQL flexible servers).
    expect(providerLists).toHaveLength(8);
    expect(
      providerLists.filter(r =>
        r.url.pathname.endsWith('/Microsoft.Network/networkInterfaces'),
      ),
    ).toHaveLength(2);
    expect(providerLists.every(r => r.url.pathname.includes(SUB_A))).toBe(true);
    expect(
      providerLists.every(r => r.authorization === 'Bearer test-token'),
    ).toBe(true);
  });

  it("writes the facts the alert rules read from the providers' lists: open ingress, attachment, public addresses and access", async () => {
    const resources = byId(await createSource().readResources());
    const annotationsOf = (id: string) => resources.get(id)!.annotations!;

    // Inbound Allow rules from anywhere only: not the denied RDP, the SQL
    // from the VNet, the outbound rule or the default rules.
    expect(
      JSON.parse(annotationsOf(NSG)['multicloud.io/open-ingress']),
    ).toEqual([
      { protocol: 'tcp', ports: '22', source: '*' },
      { protocol: 'all', ports: '80', source: 'Internet' },
      { protocol: 'all', ports: '443-444', source: 'Internet' },
    ]);
    expect(annotationsOf(PIP)).toMatchObject({
      'multicloud.io/attached': 'true',
      'multicloud.io/public-ip': '198.51.100.20',
    });
    expect(annotationsOf(SQL)['multicloud.io/public-ip']).toBe('true');
    // The disk has no settings of its own here; the VM that lists it
    // makes it attached.
    expect(annotationsOf(OS_DISK)['multicloud.io/attached']).toBe('true');
    // Other types carry none of them.
    expect(Object.keys(annotationsOf(VNET))).toEqual([
      'management.azure.com/resource-id',
      'management.azure.com/subscription-id',
    ]);
  });

  it('fails the run, naming the provider list, when one keeps failing', async () => {
    fault = ({ url }) =>
      url.pathname.endsWith('/providers/Microsoft.Network/virtualNetworks')
        ? armError(
            403,
            'AuthorizationFailed',
            "The client does not have authorization to perform action 'Microsoft.Network/virtualNetworks/read'.",
          )
        : undefined;

    // Virtual networks only, so no other list is still running when the
    // run fails.
    await expect(
      createSource({
        retries: 0,
        resourceTypes: ['Microsoft.Network/virtualNetworks'],
      }).readResources(),
    ).rejects.toThrow(
      `Azure source "azure-test": Microsoft.Network/virtualNetworks list of subscription ${SUB_A} at ${baseUrl} failed on page 1: HTTP 403 AuthorizationFailed: The client does not have authorization to perform action 'Microsoft.Network/virtualNetworks/read'.`,
    );
  });

  it('leaves out groups when includeResourceGroups is false and filters by resourceTypes', async () => {
    const resources = await createSource({
      includeResourceGroups: false,
      resourceTypes: ['microsoft.sql/servers'],
    }).readResources();

    expect(resources.map(r => [r.name, r.relations])).toEqual([['sql-a', []]]);
    expect(resources[0].annotations!['multicloud.io/public-ip']).toBe('true');
    expect(pathsOf(SUB_A, 'resourcegroups')).toHaveLength(0);
    // Only the provider list of the one type asked for.
    expect(
      requests
        .map(r => r.url.pathname)
        .filter(path => path.includes('/providers/')),
    ).toEqual([`/subscriptions/${SUB_A}/providers/Microsoft.Sql/servers`]);
    expect(pathsOf(SUB_A, 'resources')[0].url.searchParams.get('$filter')).toBe(
      "resourceType eq 'microsoft.sql/servers'",
    );
  });

  it('retries a throttled page at its nextLink and returns every resource', async () => {
    let throttled = 0;
    fault = ({ url }) => {
      if (
        url.pathname.endsWith(`${SUB_A}/resources`) &&
        url.searchParams.get('$skiptoken') === '1' &&
        throttled < 2
      ) {
        throttled++;
        return armError(
          429,
          'TooManyRequests',
          'Number of read requests for subscription exceeded the limit.',
          { 'retry-after': throttled === 1 ? '1' : '0' },
        );
      }
      return undefined;
    };
    const logger = mockServices.logger.mock();

    const resources = await createSource({}, logger).readResources();

    expect(resources).toHaveLength(17);
    const pages = pathsOf(SUB_A, 'resources').map(r =>
      r.url.searchParams.get('$skiptoken'),
    );
    expect(pages).toEqual([null, '1', '1', '1', '2']);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        new RegExp(
          `resources.list of subscription ${SUB_A}, page 2, failed \\(HTTP 429 TooManyRequests: Number of read requests.*\\); retry 1 of 3 in \\d+ ms as Retry-After asks`,
        ),
      ),
    );
    expect(String(logger.warn.mock.calls)).not.toContain('test-token');
  });

  it('rejects with ARM code and message after retrying a persistent 500', async () => {
    fault = ({ url }) =>
      url.pathname.endsWith(`${SUB_B}/resourcegroups`)
        ? armError(
            500,
            'InternalServerError',
            'Encountered internal server error. Diagnostic information: timestamp 20250314T091244Z.',
          )
        : undefined;
    const logger = mockServices.logger.mock();

    await expect(
      createSource({ retries: 2 }, logger).readResources(),
    ).rejects.toThrow(
      `Azure source "azure-test": resourceGroups.list of subscription ${SUB_B} at ${baseUrl} failed on page 1 after 3 attempts: HTTP 500 InternalServerError: Encountered internal server error.`,
    );
    expect(pathsOf(SUB_B, 'resourcegroups')).toHaveLength(3);
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('rejects when a request never answers, through requestTimeoutMs', async () => {
    fault = ({ url }) =>
      url.searchParams.get('$skiptoken') === '2' ? 'hang' : undefined;

    await expect(
      createSource({ requestTimeoutMs: 1500, retries: 1 }).readResources(),
    ).rejects.toThrow(
      new RegExp(
        `resources.list of subscription ${SUB_A} .* failed on page 3 after 2 attempts: TimeoutError: GET ${baseUrl}/subscriptions/${SUB_A}/resources got no answer within 1500 ms \\(requestTimeoutMs\\)`,
      ),
    );
  });

  it('rejects a page that is not JSON without retrying it', async () => {
    fault = ({ url }) =>
      url.pathname.endsWith(`${SUB_A}/resources`) &&
      url.searchParams.get('$skiptoken') === '1'
        ? { text: '{"value": [ {"id": ' }
        : undefined;

    await expect(createSource().readResources()).rejects.toThrow(
      new RegExp(
        `resources.list of subscription ${SUB_A} .* failed on page 2: malformed answer \\(invalid JSON\\): `,
      ),
    );
    expect(pathsOf(SUB_A, 'resources')).toHaveLength(2);
  });

  it.each([
    ['without a value array', { nextLink: null }],
    ['with items that are not resources', { value: [{ name: 'no id' }] }],
  ])('rejects a page %s', async (_label, body) => {
    fault = ({ url }) =>
      url.pathname.endsWith(`${SUB_B}/resources`) ? { json: body } : undefined;

    await expect(createSource().readResources()).rejects.toThrow(
      new RegExp(
        `resources.list of subscription ${SUB_B} .* failed on page 1: malformed answer \\(expected an ARM list page`,
      ),
    );
  });

  it('refuses the self-signed endpoint without caCertificate, saying what to set', async () => {
    await expect(
      createSource({ caCertificate: undefined, retries: 0 }).readResources(),
    ).rejects.toThrow(/failed on page 1: TLS .*set caCertificate/);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    // Aborted once the first request is in flight, which never gets an answer.
    fault = () => {
      controller.abort();
      return 'hang';
    };
    const reading = createSource({ retries: 0 }).readResources({
      signal: controller.signal,
    });

    await expect(reading).rejects.toThrow(/abort/i);
  });

  it('requires at least one subscription', () => {
    expect(() => createSource({ subscriptionIds: [] })).toThrow(
      'catalog.providers.multicloud.azure-test.subscriptionIds must list at least one subscription id',
    );
  });
});
