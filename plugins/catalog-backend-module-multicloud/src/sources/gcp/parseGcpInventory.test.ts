import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { parseGcpInventory } from '.';
import {
  computeFullResourceName,
  GcpSearchResult,
  mapGcpResources,
  mappedFieldsOf,
} from './mapGcpResources';
import gcloudOutput from './__fixtures__/gcloud-search-all-resources.json';

const PROJECT = '//cloudresourcemanager.googleapis.com/projects/482913847261';
const WEB =
  '//compute.googleapis.com/projects/shop-prod/zones/europe-west1-b/instances/web-1';
const VPC =
  '//compute.googleapis.com/projects/shop-prod/global/networks/shop-vpc';
const SUBNET =
  '//compute.googleapis.com/projects/shop-prod/regions/europe-west1/subnetworks/shop-subnet';
const WEB_DISK =
  '//compute.googleapis.com/projects/shop-prod/zones/europe-west1-b/disks/web-1';

function byNativeId(
  resources: CloudResource[],
  nativeId: string,
): CloudResource {
  const resource = resources.find(r => r.nativeId === nativeId);
  if (!resource) {
    throw new Error(`no resource ${nativeId}`);
  }
  return resource;
}

describe('parseGcpInventory', () => {
  const resources = parseGcpInventory(gcloudOutput, {
    source: 'gcp/shop.json',
  });

  it('maps every search result, sorted by native id', () => {
    expect(resources.map(r => r.nativeId)).toEqual(
      gcloudOutput.map(r => r.name).sort(),
    );
    expect(resources.map(r => r.type)).toEqual([
      'gcp-project',
      'gcp-cloudsql-instance',
      'gcp-firewall',
      'gcp-firewall',
      'gcp-firewall',
      'gcp-forwarding-rule',
      'gcp-network',
      'gcp-compute-target-https-proxy',
      'gcp-address',
      'gcp-compute-region-backend-service',
      'gcp-forwarding-rule',
      'gcp-subnetwork',
      'gcp-compute-disk',
      'gcp-compute-instance',
      'gcp-compute-instance',
      'gcp-compute-disk',
      'gcp-gke-cluster',
      'gcp-pubsub-topic',
      'gcp-storage-bucket',
    ]);
  });

  it('maps the fields a live search keeps of each result as the whole results', () => {
    expect(
      mapGcpResources((gcloudOutput as GcpSearchResult[]).map(mappedFieldsOf)),
    ).toEqual(resources);
  });

  it('maps a Compute Engine instance', () => {
    expect(byNativeId(resources, WEB)).toEqual({
      provider: 'gcp',
      accountId: 'shop-prod',
      region: 'europe-west1-b',
      type: 'gcp-compute-instance',
      nativeId: WEB,
      name: 'web-1',
      tags: { component: 'storefront', env: 'prod', owner: 'team-shop' },
      status: 'RUNNING',
      relations: [
        // parentFullResourceName names the project by id; its asset by number.
        { type: 'dependsOn', targetNativeId: PROJECT },
        { type: 'dependsOn', targetNativeId: VPC },
        // From versionedResources: the interface's subnetwork and the disks.
        { type: 'dependsOn', targetNativeId: SUBNET },
        { type: 'dependsOn', targetNativeId: WEB_DISK },
        {
          type: 'dependsOn',
          targetNativeId:
            '//compute.googleapis.com/projects/shop-prod/zones/europe-west1-b/disks/web-1-uploads',
        },
      ],
      consoleUrl:
        'https://console.cloud.google.com/compute/instancesDetail/zones/europe-west1-b/instances/web-1?project=shop-prod',
      costResourceId: WEB,
      annotations: {
        'cloud.google.com/asset-name': WEB,
        'cloud.google.com/project-id': 'shop-prod',
        // The external address of its interface's access config.
        'multicloud.io/public-ip': '34.76.112.9',
      },
    });
  });

  it('writes the facts the alert rules read from versioned resources', () => {
    const compute = '//compute.googleapis.com/projects/shop-prod';
    const annotationsOf = (nativeId: string) =>
      byNativeId(resources, nativeId).annotations!;

    // Ingress from 0.0.0.0/0 and ::/0: each allowed protocol and port.
    expect(
      JSON.parse(
        annotationsOf(`${compute}/global/firewalls/allow-ssh-anywhere`)[
          'multicloud.io/open-ingress'
        ],
      ),
    ).toEqual([
      { protocol: 'tcp', ports: '22', source: '0.0.0.0/0' },
      { protocol: 'tcp', ports: '5432', source: '0.0.0.0/0' },
      { protocol: 'icmp', ports: 'all', source: '0.0.0.0/0' },
      { protocol: 'tcp', ports: '22', source: '::/0' },
      { protocol: 'tcp', ports: '5432', source: '::/0' },
      { protocol: 'icmp', ports: 'all', source: '::/0' },
    ]);
    // Google's ranges only, or a disabled rule: nothing open.
    for (const name of ['allow-health-checks', 'allow-web-anywhere-off']) {
      expect(
        annotationsOf(`${compute}/global/firewalls/${name}`),
      ).not.toHaveProperty(['multicloud.io/open-ingress']);
    }
    expect(annotationsOf(WEB_DISK)['multicloud.io/attached']).toBe('true');
    expect(
      annotationsOf(`${compute}/zones/europe-west1-c/disks/orphan-export`)[
        'multicloud.io/attached'
      ],
    ).toBe('false');
    expect(
      annotationsOf(`${compute}/regions/europe-west1/addresses/shop-legacy-ip`),
    ).toMatchObject({
      'multicloud.io/attached': 'false',
      'multicloud.io/public-ip': '203.0.113.60',
    });
    // Cloud SQL with a public IPv4 address: the PRIMARY one, not the private.
    expect(
      annotationsOf(
        '//cloudsql.googleapis.com/projects/shop-staging/instances/orders-db',
      )['multicloud.io/public-ip'],
    ).toBe('203.0.113.70');
  });

  it('falls back to additional attributes for the facts of an export without versioned resources', () => {
    const compute = '//compute.googleapis.com/projects/p';
    const base = { project: 'projects/1', location: 'global' };
    const mapped = new Map(
      parseGcpInventory([
        {
          ...base,
          name: `${compute}/global/firewalls/allow-rdp`,
          assetType: 'compute.googleapis.com/Firewall',
          additionalAttributes: {
            allowed: [{ IPProtocol: 'tcp', ports: ['3389'] }],
            direction: 'INGRESS',
            sourceRanges: ['0.0.0.0/0'],
          },
        },
        {
          ...base,
          name: `${compute}/global/firewalls/egress`,
          assetType: 'compute.googleapis.com/Firewall',
          additionalAttributes: {
            allowed: [{ IPProtocol: 'all' }],
            direction: 'EGRESS',
            sourceRanges: ['0.0.0.0/0'],
          },
        },
        {
          ...base,
          name: `${compute}/zones/z/disks/unused`,
          assetType: 'compute.googleapis.com/Disk',
          additionalAttributes: { sizeGb: '10', users: [] },
        },
        {
          ...base,
          name: `${compute}/zones/z/disks/unknown`,
          assetType: 'compute.googleapis.com/Disk',
          additionalAttributes: { sizeGb: '10' },
        },
        {
          ...base,
          name: `${compute}/regions/r/addresses/in-use`,
          assetType: 'compute.googleapis.com/Address',
          state: 'IN_USE',
          additionalAttributes: {
            address: '10.0.0.9',
            addressType: 'INTERNAL',
          },
        },
        {
          ...base,
          name: `${compute}/zones/z/instances/vm`,
          assetType: 'compute.googleapis.com/Instance',
          additionalAttributes: { externalIPs: ['198.51.100.3'] },
        },
      ] as GcpSearchResult[]).map(r => [
        r.nativeId.split('/').pop(),
        r.annotations!,
      ]),
    );

    expect(
      JSON.parse(mapped.get('allow-rdp')!['multicloud.io/open-ingress']),
    ).toEqual([{ protocol: 'tcp', ports: '3389', source: '0.0.0.0/0' }]);
    expect(mapped.get('egress')).not.toHaveProperty([
      'multicloud.io/open-ingress',
    ]);
    expect(mapped.get('unused')!['multicloud.io/attached']).toBe('false');
    // No users attribute: not known, so not written.
    expect(mapped.get('unknown')).not.toHaveProperty([
      'multicloud.io/attached',
    ]);
    // An internal address in use: attached, but no public IP.
    expect(mapped.get('in-use')!['multicloud.io/attached']).toBe('true');
    expect(mapped.get('in-use')).not.toHaveProperty([
      'multicloud.io/public-ip',
    ]);
    expect(mapped.get('vm')!['multicloud.io/public-ip']).toBe('198.51.100.3');
  });

  it('relates an instance to every network of its interfaces, by full resource name', () => {
    const worker = byNativeId(
      resources,
      '//compute.googleapis.com/projects/shop-prod/zones/europe-west1-b/instances/worker-1',
    );
    expect(worker.relations.map(r => r.targetNativeId)).toEqual([
      PROJECT,
      VPC,
      '//compute.googleapis.com/projects/shared-net/global/networks/shared-vpc',
    ]);
    expect(worker.status).toBe('TERMINATED');
    expect(worker.tags).toEqual({});
  });

  it('relates resources to what their versioned resources name, by full resource name', () => {
    const targetsOf = (nativeId: string) =>
      byNativeId(resources, nativeId)
        .relations.map(r => r.targetNativeId)
        .filter(id => id !== PROJECT);

    expect(targetsOf(SUBNET)).toEqual([VPC]);
    // networkConfig holds the paths; the top-level network is a bare name.
    expect(
      targetsOf(
        '//container.googleapis.com/projects/shop-prod/locations/europe-west1/clusters/shop-gke',
      ),
    ).toEqual([VPC, SUBNET]);
    // Cloud SQL's privateNetwork, in its own spelling, in another project.
    expect(
      targetsOf(
        '//cloudsql.googleapis.com/projects/shop-staging/instances/orders-db',
      ),
    ).toEqual([
      '//cloudresourcemanager.googleapis.com/projects/shop-staging',
      VPC,
    ]);
    expect(
      targetsOf(
        '//compute.googleapis.com/projects/shop-prod/global/forwardingRules/shop-https',
      ),
    ).toEqual([
      '//compute.googleapis.com/projects/shop-prod/global/targetHttpsProxies/shop-https-proxy',
    ]);
    expect(
      targetsOf(
        '//compute.googleapis.com/projects/shop-prod/regions/europe-west1/forwardingRules/orders-ilb',
      ),
    ).toEqual([
      '//compute.googleapis.com/projects/shop-prod/regions/europe-west1/backendServices/orders-ilb',
    ]);
    // Without versionedResources (a search without them in its read mask):
    // the networks of additionalAttributes only.
    expect(
      parseGcpInventory(
        gcloudOutput.map(({ versionedResources: _, ...rest }) => rest),
      ).find(r => r.nativeId === WEB)!.relations,
    ).toEqual([
      { type: 'dependsOn', targetNativeId: PROJECT },
      { type: 'dependsOn', targetNativeId: VPC },
    ]);
  });

  it('reads versioned resources in the protobuf shape the client library decodes', () => {
    const [mapped] = mapGcpResources([
      mappedFieldsOf({
        name: SUBNET,
        assetType: 'compute.googleapis.com/Subnetwork',
        project: '',
        displayName: '',
        labels: {},
        state: '',
        parentFullResourceName: '',
        additionalAttributes: { fields: {} },
        versionedResources: [
          {
            version: 'v1',
            resource: {
              fields: {
                name: { kind: 'stringValue', stringValue: 'shop-subnet' },
                network: {
                  kind: 'stringValue',
                  stringValue:
                    'https://www.googleapis.com/compute/v1/projects/shop-prod/global/networks/shop-vpc',
                },
              },
            },
          },
        ],
      }),
    ]);
    expect(mapped.relations).toEqual([
      { type: 'dependsOn', targetNativeId: VPC },
    ]);

    const str = (stringValue: string) => ({
      kind: 'stringValue',
      stringValue,
    });
    const list = (...values: unknown[]) => ({
      kind: 'listValue',
      listValue: { values },
    });
    const [firewall] = mapGcpResources([
      mappedFieldsOf({
        name: '//compute.googleapis.com/projects/shop-prod/global/firewalls/allow-rdp',
        assetType: 'compute.googleapis.com/Firewall',
        additionalAttributes: { fields: {} },
        versionedResources: [
          {
            version: 'v1',
            resource: {
              fields: {
                direction: str('INGRESS'),
                sourceRanges: list(str('0.0.0.0/0')),
                allowed: list({
                  kind: 'structValue',
                  structValue: {
                    fields: {
                      IPProtocol: str('tcp'),
                      ports: list(str('3389')),
                    },
                  },
                }),
              },
            },
          },
        ],
      }),
    ]);
    expect(
      JSON.parse(firewall.annotations!['multicloud.io/open-ingress']),
    ).toEqual([{ protocol: 'tcp', ports: '3389', source: '0.0.0.0/0' }]);
  });

  it('maps the project asset by its id, with the id as account', () => {
    const project = byNativeId(resources, PROJECT);
    expect(project).toMatchObject({
      accountId: 'shop-prod',
      region: 'global',
      name: 'Shop production',
      status: 'ACTIVE',
      relations: [
        {
          type: 'dependsOn',
          targetNativeId:
            '//cloudresourcemanager.googleapis.com/folders/418253016442',
        },
      ],
      consoleUrl:
        'https://console.cloud.google.com/home/dashboard?project=shop-prod',
      costResourceId: PROJECT,
    });
  });

  it('names the account of a bucket, whose name has no project, from the project number', () => {
    const bucket = byNativeId(
      resources,
      '//storage.googleapis.com/shop-prod-assets',
    );
    expect(bucket).toMatchObject({
      accountId: 'shop-prod',
      region: 'europe-west1',
      type: 'gcp-storage-bucket',
      name: 'shop-prod-assets',
      tags: { owner: 'team-shop', system: 'shop' },
      consoleUrl:
        'https://console.cloud.google.com/storage/browser/shop-prod-assets?project=shop-prod',
      costResourceId: '//storage.googleapis.com/shop-prod-assets',
      annotations: {
        'cloud.google.com/asset-name':
          '//storage.googleapis.com/shop-prod-assets',
        'cloud.google.com/project-id': 'shop-prod',
      },
    });
    expect(bucket.status).toBeUndefined();
  });

  it('derives types of unlisted asset types and defaults the region to global', () => {
    const topic = byNativeId(
      resources,
      '//pubsub.googleapis.com/projects/shop-prod/topics/orders',
    );
    expect(topic).toMatchObject({
      type: 'gcp-pubsub-topic',
      region: 'global',
      name: 'orders',
      tags: { team: 'checkout' },
      consoleUrl:
        'https://console.cloud.google.com/home/dashboard?project=shop-prod',
    });
  });

  it('keeps the parent of a project whose own asset is not in the output as named', () => {
    const db = byNativeId(
      resources,
      '//cloudsql.googleapis.com/projects/shop-staging/instances/orders-db',
    );
    expect(db).toMatchObject({
      accountId: 'shop-staging',
      type: 'gcp-cloudsql-instance',
      status: 'RUNNABLE',
      relations: [
        {
          type: 'dependsOn',
          targetNativeId:
            '//cloudresourcemanager.googleapis.com/projects/shop-staging',
        },
        { type: 'dependsOn', targetNativeId: VPC },
      ],
    });
  });

  it('falls back to the project number, then unknown, for the account', () => {
    const [orphan, numbered] = parseGcpInventory([
      {
        name: '//storage.googleapis.com/lonely-bucket',
        assetType: 'storage.googleapis.com/Bucket',
        project: 'projects/111222333444',
      },
      {
        name: '//iam.googleapis.com/roles/custom',
        assetType: 'iam.googleapis.com/Role',
      },
    ]);
    expect(orphan).toMatchObject({
      accountId: 'unknown',
      name: 'custom',
      consoleUrl: 'https://console.cloud.google.com/home/dashboard',
      annotations: {
        'cloud.google.com/asset-name': '//iam.googleapis.com/roles/custom',
      },
    });
    expect(orphan.annotations).not.toHaveProperty([
      'cloud.google.com/project-id',
    ]);
    expect(numbered.accountId).toBe('111222333444');
  });

  it('rejects what gcloud does not print, saying where', () => {
    expect(() =>
      parseGcpInventory({ results: [] }, { source: 'x.json' }),
    ).toThrow(InputError);
    expect(() =>
      parseGcpInventory([{ assetType: 'compute.googleapis.com/Instance' }], {
        source: 'x.json',
      }),
    ).toThrow(/x\.json: search result 1 has no full resource name/);
    expect(() =>
      parseGcpInventory([{ name: '//storage.googleapis.com/b' }]),
    ).toThrow(
      /search result 1 \/\/storage\.googleapis\.com\/b has no assetType/,
    );
  });
});

describe('computeFullResourceName', () => {
  it.each([
    [
      'https://www.googleapis.com/compute/v1/projects/p/global/networks/n',
      '//compute.googleapis.com/projects/p/global/networks/n',
    ],
    [
      'https://compute.googleapis.com/compute/beta/projects/p/global/networks/n',
      '//compute.googleapis.com/projects/p/global/networks/n',
    ],
    [
      'projects/p/global/networks/n',
      '//compute.googleapis.com/projects/p/global/networks/n',
    ],
    [
      '/projects/p/global/networks/n',
      '//compute.googleapis.com/projects/p/global/networks/n',
    ],
    [
      '//compute.googleapis.com/projects/p/global/networks/n',
      '//compute.googleapis.com/projects/p/global/networks/n',
    ],
    ['default', undefined],
  ])('turns %s into %s', (link, expected) => {
    expect(computeFullResourceName(link)).toBe(expected);
  });
});
