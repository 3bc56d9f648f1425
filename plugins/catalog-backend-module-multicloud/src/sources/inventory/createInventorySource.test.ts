import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { mockServices } from '@backstage/backend-test-utils';
import { readFocusFile } from '../aws/__testUtils__/focusFile';
import {
  createInventorySource,
  readInventoryFolder,
} from './createInventorySource';

const DEMO = resolve(__dirname, '../../../../../examples/inventory');

async function folderWith(files: Record<string, unknown>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'multicloud-inventory-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(
      join(root, path),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }
  return root;
}

describe('readInventoryFolder', () => {
  it('reads the bundled demo inventory of every provider, with context from the paths', async () => {
    const resources = await readInventoryFolder(DEMO);
    const byProvider = new Map<string, number>();
    for (const r of resources) {
      byProvider.set(r.provider, (byProvider.get(r.provider) ?? 0) + 1);
    }
    expect(resources.length).toBeGreaterThanOrEqual(300);
    expect([...byProvider.keys()].sort()).toEqual([
      'aws',
      'azure',
      'gcp',
      'kubernetes',
    ]);
    expect(
      new Set(
        resources.filter(r => r.provider === 'aws').map(r => r.accountId),
      ),
    ).toEqual(new Set(['111122223333', '444455556666']));
    expect(
      resources
        .filter(r => r.type === 'kubernetes-cluster')
        .map(r => `${r.provider}:${r.accountId}`)
        .sort(),
    ).toEqual([
      'aws:111122223333',
      'kubernetes:prod-eu',
      'kubernetes:staging-eu',
    ]);
    // The demo's clusters are files, out of the Kubernetes plugin's reach:
    // no entity of theirs offers a Kubernetes tab.
    expect(
      resources.filter(
        r =>
          r.annotations?.['backstage.io/kubernetes-id'] ||
          r.annotations?.['backstage.io/kubernetes-label-selector'],
      ),
    ).toEqual([]);
    // Every relation points at a resource of the same read, except a GCP
    // project's parent folder, which is outside the exported scope.
    const ids = new Set(resources.map(r => r.nativeId));
    const dangling = resources.flatMap(r =>
      r.relations
        .map(rel => rel.targetNativeId)
        .filter(target => !ids.has(target)),
    );
    expect(dangling.length).toBeGreaterThan(0);
    for (const target of dangling) {
      expect(target).toMatch(
        /^\/\/cloudresourcemanager\.googleapis\.com\/(folders|organizations)\//,
      );
    }
    // Stable order, so a second run is identical.
    expect(await readInventoryFolder(DEMO)).toEqual(resources);
  });

  it('reads the other AWS services of the bundled demo from its Config and Tagging API exports, related for Topology', async () => {
    const resources = (await readInventoryFolder(DEMO)).filter(
      r => r.provider === 'aws',
    );
    const countOf = (type: string) =>
      resources.filter(r => r.type === type).length;
    expect(
      Object.fromEntries(
        [
          'rds-instance',
          'rds-subnet-group',
          's3-bucket',
          'lambda-function',
          'kubernetes-cluster',
          'load-balancer',
          'target-group',
          'dynamodb-table',
          'sqs-queue',
          'sns-topic',
        ].map(type => [type, countOf(type)]),
      ),
    ).toEqual({
      'rds-instance': 5,
      'rds-subnet-group': 3,
      's3-bucket': 7,
      'lambda-function': 6,
      'kubernetes-cluster': 1,
      'load-balancer': 3,
      'target-group': 3,
      'dynamodb-table': 2,
      'sqs-queue': 2,
      'sns-topic': 1,
    });
    const byId = new Map(resources.map(r => [r.nativeId, r]));
    const targets = (r: CloudResource, type: string) =>
      r.relations
        .map(relation => byId.get(relation.targetNativeId))
        .filter((target): target is CloudResource => target?.type === type);
    // Database -> subnet group -> VPC.
    for (const db of resources.filter(r => r.type === 'rds-instance')) {
      const [group] = targets(db, 'rds-subnet-group');
      expect(targets(group, 'vpc')).toHaveLength(1);
      expect(targets(db, 'security-group')).toHaveLength(1);
    }
    // Load balancer -> target group -> the checkout-web instances.
    for (const lb of resources.filter(r => r.type === 'load-balancer')) {
      const [group] = targets(lb, 'target-group');
      const instances = targets(group, 'ec2-instance');
      expect(instances.length).toBeGreaterThan(0);
      expect(new Set(instances.map(i => i.tags.component))).toEqual(
        new Set(['checkout-web']),
      );
    }
    // Functions in the VPC -> its private subnets and a security group.
    const payments = byId.get(
      'arn:aws:lambda:eu-west-1:111122223333:function:payments-webhook-prod',
    )!;
    expect(targets(payments, 'subnet').length).toBe(3);
    expect(targets(payments, 'security-group').length).toBe(1);
    const eks = resources.find(r => r.type === 'kubernetes-cluster')!;
    expect(targets(eks, 'subnet').length).toBe(3);
    expect(eks.annotations).toMatchObject({
      'kubernetes.io/auth-provider': 'aws',
      'kubernetes.io/x-k8s-aws-id': 'platform-eks-prod',
    });
    // Tables, queues and topics: known by the Tagging API export only.
    expect(
      resources.find(r => r.type === 'dynamodb-table')!.tags.component,
    ).toBe('cart-service');
  });

  it('has an entity for every AWS resource the demo cost export bills, by the id the export uses', async () => {
    const resources = await readInventoryFolder(DEMO);
    const ids = new Set(resources.map(r => r.costResourceId.toLowerCase()));
    const rows = readFocusFile(join(DEMO, '..', 'cost', 'focus-demo.csv.gz'));
    const billed = new Set(
      rows
        .filter(row => row.ProviderName === 'AWS' && row.ResourceId !== 'NULL')
        .map(row => row.ResourceId),
    );

    expect(billed.size).toBeGreaterThan(100);
    expect([...billed].filter(id => !ids.has(id.toLowerCase()))).toEqual([]);
    // S3 bills buckets by name, the others by ARN (instances and volumes by id).
    expect([...billed].filter(id => id.startsWith('contoso-'))).toEqual(
      expect.arrayContaining(['contoso-prod-cur-exports']),
    );
    expect([...billed].some(id => id.startsWith('arn:aws:rds:'))).toBe(true);
  });

  it('gives the alert rules at least one of each finding in the bundled demo, on resources of demo teams', async () => {
    const resources = await readInventoryFolder(DEMO);
    const teams = new Set(
      [
        ...readFileSync(join(DEMO, '..', 'org.yaml'), 'utf8').matchAll(
          /kind: Group\s+metadata:\s+name: (\S+)/g,
        ),
      ].map(match => match[1]),
    );
    const ownerOf = (r: CloudResource) => r.tags.owner ?? r.tags.team;
    const fact = (r: CloudResource, key: string) =>
      r.annotations?.[`multicloud.io/${key}`];
    const openPorts = (r: CloudResource) =>
      (JSON.parse(fact(r, 'open-ingress') ?? '[]') as { ports: string }[]).map(
        rule => rule.ports,
      );
    const names = (found: CloudResource[]) => found.map(r => r.name);
    const byId = new Map(resources.map(r => [r.nativeId, r]));
    expect(teams).toEqual(
      new Set([
        'engineering',
        'platform-team',
        'checkout-team',
        'payments-team',
        'data-team',
        'sre-team',
      ]),
    );

    // No owner tag, on a resource of a demo component.
    expect(
      names(resources.filter(r => !ownerOf(r) && r.tags.component)),
    ).toEqual(
      expect.arrayContaining(['tmp-debug', 'analytics-scratch-prod-old']),
    );
    // An owner, but not the required cost-center tag.
    expect(
      resources.filter(
        r => teams.has(ownerOf(r) ?? '') && !r.tags['cost-center'],
      ).length,
    ).toBeGreaterThan(0);
    // An owner tag that names no group of the catalog (a deleted team).
    expect(
      names(resources.filter(r => ownerOf(r) && !teams.has(ownerOf(r)!))),
    ).toEqual(expect.arrayContaining(['promo-experiment', 'legacy-etl-ip']));
    // Open to the world on SSH / RDP, and on a database port.
    expect(
      names(
        resources.filter(r =>
          openPorts(r).some(port => port === '22' || port === '3389'),
        ),
      ),
    ).toEqual(
      expect.arrayContaining([
        'bastion-prod',
        'nsg-bastion-staging',
        'allow-ssh-anywhere',
      ]),
    );
    const openDatabase = resources.filter(r =>
      openPorts(r).some(port => ['5432', '3306', '1433'].includes(port)),
    );
    expect(openDatabase.map(r => [r.name, r.tags.component])).toEqual([
      ['ledger-service-postgres-prod', 'ledger-service'],
    ]);
    // A database with a public IP.
    expect(
      resources
        .filter(
          r =>
            ['azure-sql-server', 'gcp-cloudsql-instance'].includes(r.type) &&
            fact(r, 'public-ip'),
        )
        .map(r => [r.name, fact(r, 'public-ip')]),
    ).toEqual([
      ['reporting-pg-staging', '198.51.100.90'],
      ['sql-apps-stg', 'true'],
    ]);
    // A workload with none of its 2+ desired replicas available.
    expect(
      resources
        .filter(r => /^0\/([2-9]|\d\d+)$/.test(fact(r, 'replicas') ?? ''))
        .map(r => r.nativeId),
    ).toEqual(['k8s:staging-eu/checkout/deployments/cart-service']);
    // Unattached volumes and disks, unassociated addresses.
    const detached = resources.filter(r => fact(r, 'attached') === 'false');
    for (const type of [
      'ebs-volume',
      'azure-disk',
      'gcp-compute-disk',
      'elastic-ip',
      'azure-public-ip',
      'gcp-address',
    ]) {
      expect(detached.map(r => r.type)).toContain(type);
    }
    // A stopped instance with volumes still attached to it.
    const stoppedWithVolumes = resources.filter(
      r =>
        r.type === 'ebs-volume' &&
        fact(r, 'attached') === 'true' &&
        r.relations.some(
          relation => byId.get(relation.targetNativeId)?.status === 'stopped',
        ),
    );
    expect(stoppedWithVolumes.length).toBeGreaterThan(0);
    // The NAT gateway of a VPC where no instance runs.
    const busyVpcs = new Set(
      resources
        .filter(r => r.type === 'ec2-instance' && r.status === 'running')
        .flatMap(r => r.relations.map(relation => relation.targetNativeId))
        .filter(id => id.includes(':vpc/')),
    );
    const idleNat = resources.filter(
      r =>
        r.type === 'nat-gateway' &&
        r.relations.every(relation => {
          const vpc = byId
            .get(relation.targetNativeId)
            ?.relations.find(target => target.targetNativeId.includes(':vpc/'));
          return !vpc || !busyVpcs.has(vpc.targetNativeId);
        }),
    );
    expect(names(idleNat)).toEqual(['nat-staging-us-east-1a']);
  });

  it('resolves relations whose target another file spells in other case', async () => {
    const sub = '00000000-0000-0000-0000-000000000001';
    const root = await folderWith({
      'azure/groups.json': [
        {
          id: `/subscriptions/${sub}/resourceGroups/rg-web`,
          name: 'rg-web',
          location: 'westeurope',
          type: 'Microsoft.Resources/resourceGroups',
          properties: { provisioningState: 'Succeeded' },
          tags: {},
        },
      ],
      'azure/resources.json': [
        {
          id: `/subscriptions/${sub}/resourceGroups/RG-WEB/providers/Microsoft.Compute/disks/os-1`,
          name: 'os-1',
          type: 'Microsoft.Compute/disks',
          location: 'westeurope',
          resourceGroup: 'RG-WEB',
          tags: {},
        },
      ],
    });
    const resources = await readInventoryFolder(root);
    const disk = resources.find(r => r.type === 'azure-disk')!;
    expect(disk.relations).toEqual([
      {
        type: 'dependsOn',
        targetNativeId: `/subscriptions/${sub}/resourceGroups/rg-web`,
      },
    ]);
  });

  it('maps the files of the az list commands together, so relations cross files', async () => {
    const fixture = (name: string) =>
      JSON.parse(
        readFileSync(join(__dirname, '../azure/__fixtures__', name), 'utf8'),
      );
    const sub = '6f2e8c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b';
    const rg = `/subscriptions/${sub}/resourceGroups/rg-shop-prod`;
    const root = await folderWith({
      [`azure/${sub}/resources.json`]: fixture('az-resource-list.json'),
      [`azure/${sub}/groups.json`]: fixture('az-group-list.json'),
      [`azure/${sub}/vms.json`]: fixture('az-vm-list.json'),
      [`azure/${sub}/nics.json`]: fixture('az-network-nic-list.json'),
      [`azure/${sub}/vnets.json`]: fixture('az-network-vnet-list.json'),
      [`azure/${sub}/private-endpoints.json`]: fixture(
        'az-network-private-endpoint-list.json',
      ),
    });
    const resources = await readInventoryFolder(root);
    const targetsOf = (id: string) =>
      resources
        .find(r => r.nativeId === id)!
        .relations.map(r => r.targetNativeId);
    const nic = `${rg}/providers/Microsoft.Network/networkInterfaces/vm-shop-01-nic01`;
    const vnet = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-shop-prod`;

    expect(resources.filter(r => r.provider === 'azure')).toHaveLength(20);
    expect(
      targetsOf(`${rg}/providers/Microsoft.Compute/virtualMachines/vm-shop-01`),
    ).toContain(nic);
    expect(targetsOf(nic)).toContain(`${vnet}/subnets/snet-app`);
    expect(targetsOf(`${vnet}/subnets/snet-app`)).toContain(vnet);
    expect(
      targetsOf(
        `${rg}/providers/Microsoft.Network/privateEndpoints/pe-sql-shop-prod`,
      ),
    ).toContain(`${rg}/providers/Microsoft.Sql/servers/sql-shop-prod`);
    // vms.json sorts after resources.json: the VM keeps its own fields.
    expect(
      resources.find(
        r => r.name === 'vm-shop-01' && r.type === 'azure-virtual-machine',
      ),
    ).toMatchObject({ status: 'Succeeded', tags: { owner: 'team-shop' } });
  });

  it('gives the tags of an aws resourcegroupstaggingapi get-resources export to the resources other files list', async () => {
    const account = '111122223333';
    const fn = (name: string) =>
      `arn:aws:lambda:eu-west-1:${account}:function:${name}`;
    const root = await folderWith({
      [`aws/${account}/eu-west-1/list-functions.json`]: {
        Functions: [
          { FunctionName: 'checkout', FunctionArn: fn('checkout') },
          { FunctionName: 'untagged', FunctionArn: fn('untagged') },
        ],
      },
      [`aws/${account}/eu-west-1/get-resources.json`]: {
        ResourceTagMappingList: [
          {
            ResourceARN: fn('checkout'),
            Tags: [
              { Key: 'team', Value: 'checkout-team' },
              { Key: 'Name', Value: 'Checkout' },
            ],
          },
          {
            ResourceARN: `arn:aws:sqs:eu-west-1:${account}:orders`,
            Tags: [{ Key: 'team', Value: 'checkout-team' }],
          },
        ],
      },
    });
    const resources = await readInventoryFolder(root);

    expect(resources.map(r => [r.type, r.name, r.tags.team ?? null])).toEqual([
      ['lambda-function', 'Checkout', 'checkout-team'],
      ['lambda-function', 'untagged', null],
      ['sqs-queue', 'orders', 'checkout-team'],
    ]);
  });

  it('fails the whole read on a file it cannot parse, naming the file', async () => {
    const root = await folderWith({
      'aws/111122223333/eu-west-1/describe-vpcs.json': { Vpcs: [] },
      'aws/111122223333/eu-west-1/describe-subnets.json': '{"Subnets": [',
    });
    await expect(readInventoryFolder(root)).rejects.toThrow(
      /describe-subnets\.json/,
    );
  });

  it('fails on JSON that no supported CLI prints, saying which ones it understands', async () => {
    const root = await folderWith({ 'notes.json': { hello: 'world' } });
    await expect(readInventoryFolder(root)).rejects.toThrow(
      /notes\.json is not a recognized inventory file: expected the JSON printed by 'aws ec2 describe-\*'/,
    );
  });

  it('is a CloudSource configured by a path', async () => {
    const source = createInventorySource({
      id: 'demo',
      config: new ConfigReader({ type: 'inventory', path: DEMO }),
      logger: mockServices.logger.mock(),
    });
    expect(source.id).toBe('demo');
    await expect(source.readResources()).resolves.toHaveLength(
      (
        await readInventoryFolder(DEMO)
      ).length,
    );
  });

  it('puts a kubectl export under the EKS cluster it is, when kubernetesClusters says which', async () => {
    const eks = 'arn:aws:eks:eu-west-1:111122223333:cluster/platform-eks-prod';
    const source = createInventorySource({
      id: 'demo',
      config: new ConfigReader({
        type: 'inventory',
        path: DEMO,
        kubernetesClusters: { 'prod-eu': { eksClusterArn: eks } },
      }),
      logger: mockServices.logger.mock(),
    });
    const resources = await source.readResources();
    const byId = new Map(resources.map(r => [r.nativeId, r]));

    expect(byId.get(eks)?.type).toBe('kubernetes-cluster');
    expect(byId.has('k8s:prod-eu')).toBe(false);
    expect(byId.has('k8s:staging-eu')).toBe(true);
    const namespaces = resources.filter(
      r => r.type === 'kubernetes-namespace' && r.accountId === 'prod-eu',
    );
    expect(namespaces.length).toBeGreaterThan(0);
    for (const namespace of namespaces) {
      expect(namespace.relations.map(r => r.targetNativeId)).toEqual([eks]);
    }
    expect(resources).toHaveLength(
      (await readInventoryFolder(DEMO)).length - 1,
    );
  });

  it('refuses a kubernetesClusters entry that names no EKS cluster ARN', () => {
    expect(() =>
      createInventorySource({
        id: 'demo',
        config: new ConfigReader({
          type: 'inventory',
          path: DEMO,
          kubernetesClusters: {
            'prod-eu': { eksClusterArn: 'platform-eks-prod' },
          },
        }),
        logger: mockServices.logger.mock(),
      }),
    ).toThrow(
      "kubernetesClusters.prod-eu.eksClusterArn 'platform-eks-prod' is not an EKS cluster's ARN",
    );
  });
});
