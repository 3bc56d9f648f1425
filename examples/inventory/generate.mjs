#!/usr/bin/env node
/*
 * Generates the bundled demo inventory: the JSON the clouds' own CLIs print,
 * laid out in folders whose path carries the context the JSON lacks (AWS
 * account and region, Azure subscription, GCP project, Kubernetes cluster).
 *
 * Run it from the repository root, with nothing to install:
 *
 *     node examples/inventory/generate.mjs
 *
 * It deletes and rewrites examples/inventory/{aws,azure,gcp,kubernetes}, then
 * prints the counts per provider and per kind and refreshes the counts block
 * in examples/inventory/README.md. Every value comes from a seeded PRNG
 * (mulberry32) and a fixed snapshot date, so two runs give byte-identical
 * files. Output is formatted the way Prettier formats JSON, so
 * `prettier --check .` stays green.
 *
 * The estate is deliberately imperfect, so that every hygiene and savings
 * rule of the Alerts tab has something to find: some resources are untagged
 * or lack a cost-center, some name an owner team that does not exist, some
 * instances are stopped, some volumes, disks, addresses and a NAT gateway are
 * idle, security groups, NSGs and firewall rules let SSH, RDP and Postgres in
 * from anywhere, a SQL server and a Cloud SQL instance are public, and a
 * deployment has no available replica. See README.md for the list.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SEED = 20250530;
/** Every timestamp is at or before this instant: the "export" time. */
const SNAPSHOT = Date.UTC(2025, 4, 30, 8, 0, 0);

// ---------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------

function mulberry32(a) {
  return function next() {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, so each stream's seed depends only on SEED and its label. */
function hashLabel(label) {
  let h = 0x811c9dc5;
  for (const ch of label) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * One independent stream per label (provider, account, cluster...), so that
 * changing one part of the estate does not reshuffle the ids of the others.
 */
function stream(label) {
  const next = mulberry32((SEED ^ hashLabel(label)) >>> 0);
  const r = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: arr => arr[Math.floor(next() * arr.length)],
    chance: p => next() < p,
    hex: n => {
      let s = '';
      for (let i = 0; i < n; i++) s += Math.floor(next() * 16).toString(16);
      return s;
    },
    digits: n => {
      let s = String(1 + Math.floor(next() * 9));
      for (let i = 1; i < n; i++) s += Math.floor(next() * 10);
      return s;
    },
    alnum: (n, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') => {
      let s = '';
      for (let i = 0; i < n; i++)
        s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    },
    uuid: () => {
      const h = r.hex(32).split('');
      h[12] = '4';
      h[16] = '89ab'[Math.floor(next() * 4)];
      const s = h.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(
        16,
        20,
      )}-${s.slice(20)}`;
    },
    /** A Date between minDays and maxDays before the snapshot, whole seconds. */
    daysAgo: (minDays, maxDays) =>
      new Date(
        SNAPSHOT -
          r.int(Math.round(minDays * 86400), Math.round(maxDays * 86400)) *
            1000,
      ),
  };
  return r;
}

// ---------------------------------------------------------------------------
// Time formats, as each CLI prints them
// ---------------------------------------------------------------------------

const isoSeconds = d => d.toISOString().replace(/\.\d{3}Z$/, '');
/** AWS CLI v2: 2024-11-05T14:22:31+00:00 */
const awsTime = d => `${isoSeconds(d)}+00:00`;
/** AWS CLI v2 for volume/NAT create times: 2024-11-05T14:22:31.412000+00:00 */
const awsTimeMicro = (d, r) =>
  `${isoSeconds(d)}.${String(r.int(0, 999)).padStart(3, '0')}000+00:00`;
/** az: 2024-11-05T14:22:31.4123456+00:00 */
const azTime = (d, r) => `${isoSeconds(d)}.${r.digits(7)}+00:00`;
/** gcloud and kubectl: 2024-11-05T14:22:31Z */
const zTime = d => `${isoSeconds(d)}Z`;

// ---------------------------------------------------------------------------
// The demo catalog the inventory is tagged against (examples/org.yaml and
// examples/entities.yaml)
// ---------------------------------------------------------------------------

const COMPONENTS = {
  'checkout-web': { system: 'checkout', owner: 'checkout-team' },
  'checkout-api': { system: 'checkout', owner: 'checkout-team' },
  'cart-service': { system: 'checkout', owner: 'checkout-team' },
  'payments-api': { system: 'payments', owner: 'payments-team' },
  'fraud-detector': { system: 'payments', owner: 'payments-team' },
  'ledger-service': { system: 'payments', owner: 'payments-team' },
  'event-pipeline': { system: 'data-platform', owner: 'data-team' },
  'analytics-warehouse': { system: 'data-platform', owner: 'data-team' },
  'reporting-dashboard': { system: 'data-platform', owner: 'data-team' },
  'ingress-gateway': { system: 'platform', owner: 'platform-team' },
  'observability-stack': { system: 'platform', owner: 'sre-team' },
};
/** Shared infrastructure with no single component: networking, clusters. */
const SHARED = { system: 'platform', owner: 'platform-team' };
/** Teams that appear in tags but not in the catalog. */
const GHOST_TEAMS = ['growth-team', 'mobile-team'];
const COST_CENTERS = {
  'platform-team': 'cc-1001',
  'sre-team': 'cc-1002',
  'checkout-team': 'cc-2001',
  'payments-team': 'cc-2002',
  'data-team': 'cc-3001',
};
/** Share of taggable resources left without ownership tags, and with a ghost owner. */
const P_UNTAGGED = 0.01;
const P_GHOST = 0.03;
/** Share of tagged resources with a cost-center tag (a required tag). */
const P_COST_CENTER = 0.95;

/**
 * The ownership tags of one resource, as an ordered plain object:
 * owner (or team), system, component, environment, cost-center, managed-by.
 * `who` is a component name, or SHARED. `force` pins the outcome
 * ('tagged' | 'untagged' | 'ghost' | 'ownerless'); otherwise the stream
 * decides. 'ownerless' keeps system, component and environment but no owner
 * (and no cost-center): somebody tagged what it is for, not who owns it. It
 * draws from the stream exactly as 'untagged' does, so a resource can switch
 * between the two without changing any other value.
 */
function ownershipTags(r, who, env, force) {
  const spec =
    typeof who === 'string' ? { ...COMPONENTS[who], component: who } : who;
  const roll = r.next();
  const outcome =
    force ??
    (roll < P_UNTAGGED
      ? 'untagged'
      : roll < P_UNTAGGED + P_GHOST
      ? 'ghost'
      : 'tagged');
  if (outcome === 'untagged') return {};
  if (outcome === 'ownerless') {
    return {
      system: spec.system,
      ...(spec.component ? { component: spec.component } : {}),
      environment: env,
    };
  }
  const ownerKey = r.chance(0.15) ? 'team' : 'owner';
  if (outcome === 'ghost') {
    return { [ownerKey]: r.pick(GHOST_TEAMS), environment: env };
  }
  const tags = { [ownerKey]: spec.owner, system: spec.system };
  if (spec.component) tags.component = spec.component;
  tags.environment = env;
  // chance() draws once whatever the share, so changing it moves no id.
  if (r.chance(P_COST_CENTER)) tags['cost-center'] = COST_CENTERS[spec.owner];
  if (r.chance(0.5)) tags['managed-by'] = 'terraform';
  return tags;
}

// ---------------------------------------------------------------------------
// AWS: aws ec2 describe-* per account and region
// ---------------------------------------------------------------------------

const AWS_ACCOUNTS = [
  {
    id: '111122223333',
    env: 'prod',
    regions: [
      {
        region: 'eu-west-1',
        cidr: '10.10',
        azs: ['a', 'b', 'c'],
        natCount: 2,
        services: [
          ['checkout-web', 3, 't3.medium'],
          ['checkout-api', 3, 'm6i.large'],
          ['cart-service', 2, 'm6i.large'],
          ['payments-api', 3, 'm6i.large'],
          ['fraud-detector', 2, 'c6i.xlarge'],
          ['ledger-service', 2, 'r6i.large', 200],
          ['event-pipeline', 2, 'm6i.xlarge', 100],
          ['ingress-gateway', 2, 'c6i.large'],
          ['observability-stack', 2, 'r6i.xlarge', 500],
        ],
        bastion: true,
        legacy: true,
        unattachedVolumes: 2,
        idleAddresses: 2,
        // Postgres on the ledger hosts, opened to the world for a migration.
        openDatabase: 'ledger-service',
      },
      {
        region: 'us-east-1',
        cidr: '10.20',
        azs: ['a', 'b'],
        natCount: 1,
        services: [
          ['checkout-web', 2, 't3.medium'],
          ['checkout-api', 2, 'm6i.large'],
          ['ingress-gateway', 1, 'c6i.large'],
          ['observability-stack', 1, 'r6i.large', 200],
        ],
        bastion: false,
        legacy: false,
        unattachedVolumes: 1,
        idleAddresses: 0,
      },
    ],
  },
  {
    id: '444455556666',
    env: 'staging',
    regions: [
      {
        region: 'eu-west-1',
        cidr: '10.110',
        azs: ['a', 'b'],
        natCount: 1,
        services: [
          ['checkout-web', 1, 't3.small'],
          ['checkout-api', 1, 't3.large'],
          ['cart-service', 1, 't3.large'],
          ['payments-api', 1, 't3.large'],
          ['fraud-detector', 1, 't3.xlarge'],
          ['ledger-service', 1, 't3.large', 50],
          ['event-pipeline', 1, 't3.xlarge', 50],
          ['ingress-gateway', 1, 't3.medium'],
          ['observability-stack', 1, 't3.xlarge', 100],
        ],
        stoppedServices: ['fraud-detector', 'event-pipeline'],
        bastion: true,
        legacy: false,
        unattachedVolumes: 2,
        idleAddresses: 1,
      },
      {
        // A disaster-recovery region that was prepared and never used: its
        // NAT gateway bills by the hour and carries no traffic.
        region: 'us-east-1',
        cidr: '10.120',
        azs: ['a'],
        natCount: 1,
        services: [],
        bastion: false,
        legacy: false,
        unattachedVolumes: 0,
        idleAddresses: 0,
      },
    ],
  },
];

const AMIS = {
  'eu-west-1': ['ami-0d64bb532e0502c46', 'ami-0a89fa9a6d8c7ad98'],
  'us-east-1': ['ami-0453ec754f44f9a4a', 'ami-0c614dee691cbbf37'],
};
const AZ_IDS = { 'eu-west-1': 'euw1', 'us-east-1': 'use1' };
const SYSTEM_PORTS = {
  checkout: 8080,
  payments: 8443,
  'data-platform': 9092,
  platform: 443,
};

/** Physical cores behind an instance size (two threads each). */
const vcpuCores = type => {
  const size = type.split('.')[1];
  if (size === 'xlarge') return 2;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? Number(m[1]) * 2 : 1;
};
const awsTagList = obj =>
  Object.entries(obj).map(([Key, Value]) => ({ Key, Value }));
/** The CLI leaves Tags out entirely when a resource has none. */
const withTags = (obj, tags) => (tags.length ? { ...obj, Tags: tags } : obj);
const awsTagValue = (tags, key) => (tags ?? []).find(t => t.Key === key)?.Value;

function privateDnsName(region, ip) {
  const host = `ip-${ip.replace(/\./g, '-')}`;
  return region === 'us-east-1'
    ? `${host}.ec2.internal`
    : `${host}.${region}.compute.internal`;
}
function publicDnsName(region, ip) {
  const host = `ec2-${ip.replace(/\./g, '-')}`;
  return region === 'us-east-1'
    ? `${host}.compute-1.amazonaws.com`
    : `${host}.${region}.compute.amazonaws.com`;
}
const macAddress = r =>
  ['0a', r.hex(2), r.hex(2), r.hex(2), r.hex(2), r.hex(2)].join(':');

/** Documentation ranges (RFC 5737), so no demo address is anybody's real one. */
function publicIpAllocator(r) {
  const used = new Set();
  return () => {
    for (;;) {
      const ip = `${r.pick(['192.0.2', '198.51.100', '203.0.113'])}.${r.int(
        2,
        254,
      )}`;
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
  };
}

function buildAwsRegion(account, cfg) {
  const { region } = cfg;
  const env = account.env;
  const r = stream(`aws/${account.id}/${region}`);
  const newPublicIp = publicIpAllocator(r);
  const id = prefix => `${prefix}-${r.hex(17)}`;
  const out = {
    vpcs: [],
    subnets: [],
    securityGroups: [],
    instances: [],
    reservations: [],
    volumes: [],
    enis: [],
    addresses: [],
    natGateways: [],
  };

  // VPC
  const vpcId = id('vpc');
  const vpcCidr = `${cfg.cidr}.0.0/16`;
  out.vpcs.push(
    withTags(
      {
        CidrBlock: vpcCidr,
        DhcpOptionsId: id('dopt'),
        State: 'available',
        VpcId: vpcId,
        OwnerId: account.id,
        InstanceTenancy: 'default',
        CidrBlockAssociationSet: [
          {
            AssociationId: id('vpc-cidr-assoc'),
            CidrBlock: vpcCidr,
            CidrBlockState: { State: 'associated' },
          },
        ],
        IsDefault: false,
      },
      awsTagList({
        Name: `${env}-${region}`,
        ...ownershipTags(r, SHARED, env, 'tagged'),
      }),
    ),
  );

  // Subnets: one public and one private per AZ
  const subnets = { public: [], private: [] };
  cfg.azs.forEach((az, i) => {
    for (const tier of ['public', 'private']) {
      const third = tier === 'public' ? i : 100 + i;
      const subnet = {
        id: id('subnet'),
        az: `${region}${az}`,
        tier,
        prefix: `${cfg.cidr}.${third}`,
        used: new Set([0, 1, 2, 3, 255]),
      };
      subnets[tier].push(subnet);
    }
  });
  const allocIp = subnet => {
    for (;;) {
      const host = r.int(4, 254);
      if (!subnet.used.has(host)) {
        subnet.used.add(host);
        return `${subnet.prefix}.${host}`;
      }
    }
  };

  // Security groups
  const sgs = {};
  const addSg = (key, name, description, ipPermissions, tags) => {
    const groupId = id('sg');
    sgs[key] = { GroupId: groupId, GroupName: name };
    out.securityGroups.push(
      withTags(
        {
          Description: description,
          GroupName: name,
          IpPermissions: ipPermissions,
          OwnerId: account.id,
          GroupId: groupId,
          IpPermissionsEgress: [
            {
              IpProtocol: '-1',
              IpRanges: [{ CidrIp: '0.0.0.0/0' }],
              Ipv6Ranges: [],
              PrefixListIds: [],
              UserIdGroupPairs: [],
            },
          ],
          VpcId: vpcId,
          SecurityGroupArn: `arn:aws:ec2:${region}:${account.id}:security-group/${groupId}`,
        },
        awsTagList(tags),
      ),
    );
    return groupId;
  };
  const tcp = (port, ranges = [], groups = []) => ({
    FromPort: port,
    IpProtocol: 'tcp',
    IpRanges: ranges,
    Ipv6Ranges: [],
    PrefixListIds: [],
    ToPort: port,
    UserIdGroupPairs: groups.map(GroupId => ({ GroupId, UserId: account.id })),
  });

  const defaultSgId = id('sg');
  sgs.default = { GroupId: defaultSgId, GroupName: 'default' };
  out.securityGroups.push({
    Description: 'default VPC security group',
    GroupName: 'default',
    IpPermissions: [
      {
        IpProtocol: '-1',
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: defaultSgId, UserId: account.id }],
      },
    ],
    OwnerId: account.id,
    GroupId: defaultSgId,
    IpPermissionsEgress: [
      {
        IpProtocol: '-1',
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ],
    VpcId: vpcId,
    SecurityGroupArn: `arn:aws:ec2:${region}:${account.id}:security-group/${defaultSgId}`,
  });

  const ingressSg = addSg(
    'ingress-gateway',
    `ingress-gateway-${env}`,
    'Public HTTPS into the ingress gateway',
    [
      tcp(443, [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS from anywhere' }]),
      tcp(80, [{ CidrIp: '0.0.0.0/0', Description: 'HTTP redirect' }]),
    ],
    {
      Name: `ingress-gateway-${env}`,
      ...ownershipTags(r, 'ingress-gateway', env, 'tagged'),
    },
  );
  const obsSg = addSg(
    'observability-stack',
    `observability-${env}`,
    'Prometheus scraping and log shipping',
    [
      tcp(9090, [
        { CidrIp: vpcCidr, Description: 'Prometheus UI inside the VPC' },
      ]),
      tcp(3000, [], [ingressSg]),
    ],
    {
      Name: `observability-${env}`,
      ...ownershipTags(r, 'observability-stack', env, 'tagged'),
    },
  );
  const systems = [
    ...new Set(cfg.services.map(([c]) => COMPONENTS[c].system)),
  ].filter(s => s !== 'platform');
  for (const system of systems) {
    const owner = Object.values(COMPONENTS).find(
      c => c.system === system,
    ).owner;
    addSg(
      system,
      `${system}-app-${env}`,
      `Application traffic for the ${system} system`,
      [tcp(SYSTEM_PORTS[system], [], [ingressSg]), tcp(9100, [], [obsSg])],
      {
        Name: `${system}-app-${env}`,
        ...ownershipTags(r, { system, owner }, env),
      },
    );
  }
  if (cfg.bastion) {
    // The one everybody forgets: SSH open to the world.
    addSg(
      'bastion',
      `bastion-${env}`,
      'SSH to the bastion host',
      [
        tcp(22, [
          {
            CidrIp: '0.0.0.0/0',
            Description: 'temporary - remove after migration',
          },
        ]),
      ],
      { Name: `bastion-${env}`, ...ownershipTags(r, SHARED, env, 'tagged') },
    );
  }
  if (cfg.legacy) {
    addSg(
      'legacy',
      'launch-wizard-1',
      'launch-wizard-1 created 2023-02-14T10:41:07.512Z',
      [tcp(22, [{ CidrIp: '0.0.0.0/0' }])],
      {},
    );
  }

  // Elastic IPs, NAT gateways and their network interfaces
  const addEni = eni => out.enis.push(eni);
  for (let i = 0; i < cfg.natCount; i++) {
    const subnet = subnets.public[i];
    const natId = id('nat');
    const allocationId = id('eipalloc');
    const associationId = id('eipassoc');
    const eniId = id('eni');
    const publicIp = newPublicIp();
    const privateIp = allocIp(subnet);
    const created = r.daysAgo(600, 850);
    const tags = awsTagList({
      Name: `nat-${env}-${subnet.az}`,
      ...ownershipTags(r, SHARED, env, 'tagged'),
    });
    out.addresses.push(
      withTags(
        {
          AllocationId: allocationId,
          AssociationId: associationId,
          Domain: 'vpc',
          NetworkInterfaceId: eniId,
          NetworkInterfaceOwnerId: account.id,
          PrivateIpAddress: privateIp,
          PublicIpv4Pool: 'amazon',
          NetworkBorderGroup: region,
          PublicIp: publicIp,
        },
        tags,
      ),
    );
    addEni({
      Association: {
        AllocationId: allocationId,
        AssociationId: associationId,
        IpOwnerId: account.id,
        PublicDnsName: publicDnsName(region, publicIp),
        PublicIp: publicIp,
      },
      Attachment: {
        AttachmentId: `ela-attach-${r.hex(17)}`,
        DeleteOnTermination: false,
        DeviceIndex: 1,
        InstanceOwnerId: 'amazon-aws',
        Status: 'attached',
      },
      AvailabilityZone: subnet.az,
      Description: `Interface for NAT Gateway ${natId}`,
      Groups: [],
      InterfaceType: 'nat_gateway',
      Ipv6Addresses: [],
      MacAddress: macAddress(r),
      NetworkInterfaceId: eniId,
      OwnerId: account.id,
      PrivateDnsName: privateDnsName(region, privateIp),
      PrivateIpAddress: privateIp,
      PrivateIpAddresses: [
        {
          Association: {
            AllocationId: allocationId,
            AssociationId: associationId,
            IpOwnerId: account.id,
            PublicDnsName: publicDnsName(region, publicIp),
            PublicIp: publicIp,
          },
          Primary: true,
          PrivateDnsName: privateDnsName(region, privateIp),
          PrivateIpAddress: privateIp,
        },
      ],
      RequesterId: 'AWS',
      RequesterManaged: true,
      SourceDestCheck: false,
      Status: 'in-use',
      SubnetId: subnet.id,
      TagSet: [],
      VpcId: vpcId,
    });
    out.natGateways.push({
      CreateTime: awsTimeMicro(created, r),
      NatGatewayAddresses: [
        {
          AllocationId: allocationId,
          NetworkInterfaceId: eniId,
          PrivateIp: privateIp,
          PublicIp: publicIp,
          AssociationId: associationId,
          IsPrimary: true,
          Status: 'succeeded',
        },
      ],
      NatGatewayId: natId,
      State: 'available',
      SubnetId: subnet.id,
      VpcId: vpcId,
      Tags: tags,
      ConnectivityType: 'public',
    });
  }

  // Instances
  const launch = (name, who, type, subnet, groups, opts = {}) => {
    const instanceId = id('i');
    const eniId = id('eni');
    const privateIp = allocIp(subnet);
    const launched = r.daysAgo(opts.minAge ?? 5, opts.maxAge ?? 420);
    const stopped = Boolean(opts.stopped);
    const stoppedAt = stopped ? r.daysAgo(20, 120) : null;
    const tagObj = { Name: name, ...ownershipTags(r, who, env, opts.force) };
    if (opts.force === 'untagged' && opts.keepName === false)
      delete tagObj.Name;
    const tags = awsTagList(tagObj);
    const component = typeof who === 'string' ? who : 'bastion';
    const sgList = groups.map(g => ({
      GroupId: g.GroupId,
      GroupName: g.GroupName,
    }));
    let publicIp = null;
    let association = null;
    if (opts.eip && !stopped) {
      publicIp = newPublicIp();
      const allocationId = id('eipalloc');
      const associationId = id('eipassoc');
      association = {
        AllocationId: allocationId,
        AssociationId: associationId,
        IpOwnerId: account.id,
        PublicDnsName: publicDnsName(region, publicIp),
        PublicIp: publicIp,
      };
      out.addresses.push(
        withTags(
          {
            InstanceId: instanceId,
            PublicIp: publicIp,
            AllocationId: allocationId,
            AssociationId: associationId,
            Domain: 'vpc',
            NetworkInterfaceId: eniId,
            NetworkInterfaceOwnerId: account.id,
            PrivateIpAddress: privateIp,
            PublicIpv4Pool: 'amazon',
            NetworkBorderGroup: region,
          },
          tags,
        ),
      );
    }

    // Volumes: root, plus an optional data volume
    const mappings = [];
    const disks = [['/dev/xvda', r.pick([20, 30, 50]), true]];
    if (opts.dataGb) disks.push(['/dev/sdf', opts.dataGb, false]);
    for (const [device, size, root] of disks) {
      const volumeId = id('vol');
      const attachTime = awsTime(
        new Date(launched.getTime() + (root ? 0 : 61_000)),
      );
      mappings.push({
        DeviceName: device,
        Ebs: {
          AttachTime: attachTime,
          DeleteOnTermination: root,
          Status: 'attached',
          VolumeId: volumeId,
        },
      });
      out.volumes.push(
        withTags(
          {
            Attachments: [
              {
                AttachTime: attachTime,
                Device: device,
                InstanceId: instanceId,
                State: 'attached',
                VolumeId: volumeId,
                DeleteOnTermination: root,
              },
            ],
            AvailabilityZone: subnet.az,
            CreateTime: awsTimeMicro(launched, r),
            Encrypted: true,
            KmsKeyId: `arn:aws:kms:${region}:${account.id}:key/${r.uuid()}`,
            Size: size,
            SnapshotId: root ? `snap-${r.hex(17)}` : '',
            State: 'in-use',
            VolumeId: volumeId,
            Iops: 3000,
            VolumeType: 'gp3',
            MultiAttachEnabled: false,
            Throughput: 125,
          },
          awsTagList({ ...tagObj, Name: `${name}${root ? '-root' : '-data'}` }),
        ),
      );
    }

    const attachment = {
      AttachTime: awsTime(launched),
      AttachmentId: `eni-attach-${r.hex(17)}`,
      DeleteOnTermination: true,
      DeviceIndex: 0,
      Status: 'attached',
      NetworkCardIndex: 0,
    };
    const mac = macAddress(r);
    const instanceEni = {
      ...(association ? { Association: association } : {}),
      Attachment: attachment,
      Description: '',
      Groups: sgList,
      Ipv6Addresses: [],
      MacAddress: mac,
      NetworkInterfaceId: eniId,
      OwnerId: account.id,
      PrivateDnsName: privateDnsName(region, privateIp),
      PrivateIpAddress: privateIp,
      PrivateIpAddresses: [
        {
          ...(association ? { Association: association } : {}),
          Primary: true,
          PrivateDnsName: privateDnsName(region, privateIp),
          PrivateIpAddress: privateIp,
        },
      ],
      SourceDestCheck: true,
      Status: 'in-use',
      SubnetId: subnet.id,
      VpcId: vpcId,
      InterfaceType: 'interface',
    };
    addEni({
      ...(association ? { Association: association } : {}),
      Attachment: {
        AttachTime: attachment.AttachTime,
        AttachmentId: attachment.AttachmentId,
        DeleteOnTermination: true,
        DeviceIndex: 0,
        NetworkCardIndex: 0,
        InstanceId: instanceId,
        InstanceOwnerId: account.id,
        Status: 'attached',
      },
      AvailabilityZone: subnet.az,
      Description: '',
      Groups: sgList,
      InterfaceType: 'interface',
      Ipv6Addresses: [],
      MacAddress: mac,
      NetworkInterfaceId: eniId,
      OwnerId: account.id,
      PrivateDnsName: privateDnsName(region, privateIp),
      PrivateIpAddress: privateIp,
      PrivateIpAddresses: instanceEni.PrivateIpAddresses,
      RequesterManaged: false,
      SourceDestCheck: true,
      Status: 'in-use',
      SubnetId: subnet.id,
      TagSet: awsTagList(
        Object.fromEntries(
          Object.entries(tagObj).filter(([k]) => k !== 'Name'),
        ),
      ),
      VpcId: vpcId,
    });

    const instance = {
      AmiLaunchIndex: 0,
      ImageId: r.pick(AMIS[region]),
      InstanceId: instanceId,
      InstanceType: type,
      KeyName: opts.keyName ?? `${env}-ops`,
      LaunchTime: awsTime(launched),
      Monitoring: { State: 'disabled' },
      Placement: {
        AvailabilityZone: subnet.az,
        GroupName: '',
        Tenancy: 'default',
      },
      PrivateDnsName: privateDnsName(region, privateIp),
      PrivateIpAddress: privateIp,
      ProductCodes: [],
      PublicDnsName: publicIp ? publicDnsName(region, publicIp) : '',
      ...(publicIp ? { PublicIpAddress: publicIp } : {}),
      State: stopped
        ? { Code: 80, Name: 'stopped' }
        : { Code: 16, Name: 'running' },
      StateTransitionReason: stopped
        ? `User initiated (${isoSeconds(stoppedAt).replace('T', ' ')} GMT)`
        : '',
      SubnetId: subnet.id,
      VpcId: vpcId,
      Architecture: type.startsWith('t4g') ? 'arm64' : 'x86_64',
      BlockDeviceMappings: mappings,
      ClientToken: r.uuid(),
      EbsOptimized: !type.startsWith('t3'),
      EnaSupport: true,
      Hypervisor: 'xen',
      IamInstanceProfile: {
        Arn: `arn:aws:iam::${account.id}:instance-profile/${component}-${env}`,
        Id: `AIPA${r.alnum(17)}`,
      },
      NetworkInterfaces: [instanceEni],
      RootDeviceName: '/dev/xvda',
      RootDeviceType: 'ebs',
      SecurityGroups: sgList,
      SourceDestCheck: true,
      ...(stopped
        ? {
            StateReason: {
              Code: 'Client.UserInitiatedShutdown',
              Message: 'Client.UserInitiatedShutdown: User initiated shutdown',
            },
          }
        : {}),
      ...(tags.length ? { Tags: tags } : {}),
      VirtualizationType: 'hvm',
      CpuOptions: { CoreCount: vcpuCores(type), ThreadsPerCore: 2 },
      CapacityReservationSpecification: {
        CapacityReservationPreference: 'open',
      },
      HibernationOptions: { Configured: false },
      MetadataOptions: {
        State: 'applied',
        HttpTokens: r.chance(0.8) ? 'required' : 'optional',
        HttpPutResponseHopLimit: 2,
        HttpEndpoint: 'enabled',
        HttpProtocolIpv6: 'disabled',
        InstanceMetadataTags: 'disabled',
      },
      EnclaveOptions: { Enabled: false },
      PlatformDetails: 'Linux/UNIX',
      UsageOperation: 'RunInstances',
      UsageOperationUpdateTime: awsTime(launched),
      PrivateDnsNameOptions: {
        HostnameType: 'ip-name',
        EnableResourceNameDnsARecord: false,
        EnableResourceNameDnsAAAARecord: false,
      },
      MaintenanceOptions: { AutoRecovery: 'default' },
      CurrentInstanceBootMode: 'legacy-bios',
    };
    out.instances.push(instance);
    return instance;
  };

  // Services: instances spread over the private subnets, one reservation each
  let slot = 0;
  for (const [component, count, type, dataGb] of cfg.services) {
    const { system } = COMPONENTS[component];
    const groups =
      system === 'platform'
        ? [sgs[component]]
        : [sgs[system], ...(r.chance(0.3) ? [sgs.default] : [])];
    const reservation = { id: `r-${r.hex(17)}`, instances: [] };
    for (let n = 1; n <= count; n++) {
      const subnet = subnets.private[slot++ % subnets.private.length];
      const stopped = (cfg.stoppedServices ?? []).includes(component);
      reservation.instances.push(
        launch(`${component}-${env}-${n}`, component, type, subnet, groups, {
          dataGb,
          stopped,
        }),
      );
    }
    out.reservations.push(reservation);
  }
  if (cfg.bastion) {
    out.reservations.push({
      id: `r-${r.hex(17)}`,
      instances: [
        launch(
          `bastion-${env}`,
          SHARED,
          't3.micro',
          subnets.public[0],
          [sgs.bastion],
          {
            eip: true,
            force: 'tagged',
          },
        ),
      ],
    });
  }
  if (cfg.legacy) {
    // Left behind by a team that no longer exists, stopped for months.
    out.reservations.push({
      id: `r-${r.hex(17)}`,
      instances: [
        launch(
          'promo-experiment',
          'checkout-web',
          't3.large',
          subnets.public[1],
          [sgs.legacy],
          {
            stopped: true,
            force: 'ghost',
            minAge: 500,
            maxAge: 600,
            keyName: 'growth-laptop',
          },
        ),
        // Tagged with what it was for, but nobody's: no owner tag.
        launch(
          'tmp-debug',
          'checkout-api',
          't3.medium',
          subnets.private[2],
          [sgs.legacy],
          {
            stopped: true,
            force: 'ownerless',
            minAge: 300,
            maxAge: 400,
            keyName: 'growth-laptop',
          },
        ),
      ],
    });
  }

  // Idle: volumes nobody attached again, addresses nobody released
  const idleOwners = [
    'ledger-service',
    'event-pipeline',
    'observability-stack',
    'checkout-api',
  ];
  for (let i = 0; i < cfg.unattachedVolumes; i++) {
    const component = idleOwners[i % idleOwners.length];
    const created = r.daysAgo(200, 500);
    const volumeId = id('vol');
    const force = i === 0 ? 'untagged' : undefined;
    const tagObj = {
      Name: `${component}-${env}-data-old`,
      ...ownershipTags(r, component, env, force),
    };
    out.volumes.push(
      withTags(
        {
          Attachments: [],
          AvailabilityZone: subnets.private[i % subnets.private.length].az,
          CreateTime: awsTimeMicro(created, r),
          Encrypted: r.chance(0.5),
          Size: r.pick([100, 250, 500]),
          SnapshotId: `snap-${r.hex(17)}`,
          State: 'available',
          VolumeId: volumeId,
          Iops: 3000,
          VolumeType: r.pick(['gp2', 'gp3']),
          MultiAttachEnabled: false,
        },
        awsTagList(tagObj),
      ),
    );
  }
  for (let i = 0; i < cfg.idleAddresses; i++) {
    const tags =
      i === 0
        ? awsTagList({
            Name: `old-ingress-${env}`,
            ...ownershipTags(r, 'ingress-gateway', env),
          })
        : [];
    out.addresses.push(
      withTags(
        {
          PublicIp: newPublicIp(),
          AllocationId: id('eipalloc'),
          Domain: 'vpc',
          PublicIpv4Pool: 'amazon',
          NetworkBorderGroup: region,
        },
        tags,
      ),
    );
  }

  // Subnets last, now that we know how many addresses each one uses
  for (const tier of ['public', 'private']) {
    for (const subnet of subnets[tier]) {
      const zoneIndex = cfg.azs.indexOf(subnet.az.slice(-1)) + 1;
      out.subnets.push({
        AvailabilityZone: subnet.az,
        AvailabilityZoneId: `${AZ_IDS[region]}-az${zoneIndex}`,
        AvailableIpAddressCount: 256 - subnet.used.size,
        CidrBlock: `${subnet.prefix}.0/24`,
        DefaultForAz: false,
        MapPublicIpOnLaunch: tier === 'public',
        MapCustomerOwnedIpOnLaunch: false,
        State: 'available',
        SubnetId: subnet.id,
        VpcId: vpcId,
        OwnerId: account.id,
        AssignIpv6AddressOnCreation: false,
        Ipv6CidrBlockAssociationSet: [],
        Tags: awsTagList({
          Name: `${env}-${tier}-${subnet.az}`,
          tier,
          ...ownershipTags(r, SHARED, env, 'tagged'),
        }),
        SubnetArn: `arn:aws:ec2:${region}:${account.id}:subnet/${subnet.id}`,
        EnableDns64: false,
        Ipv6Native: false,
        PrivateDnsNameOptionsOnLaunch: {
          HostnameType: 'ip-name',
          EnableResourceNameDnsARecord: false,
          EnableResourceNameDnsAAAARecord: false,
        },
      });
    }
  }
  if (cfg.openDatabase) {
    // Added last, so the values drawn above stay as they were. The hosts of
    // the component use it next to their own group.
    const component = cfg.openDatabase;
    const groupId = addSg(
      'database',
      `${component}-postgres-${env}`,
      'Postgres for the ledger data migration',
      [
        tcp(5432, [
          { CidrIp: '0.0.0.0/0', Description: 'migration - remove after' },
        ]),
      ],
      {
        Name: `${component}-postgres-${env}`,
        ...ownershipTags(r, component, env, 'tagged'),
      },
    );
    for (const instance of out.instances) {
      if (awsTagValue(instance.Tags, 'component') === component) {
        // The instance, its interface and the ENI listing share this list.
        instance.SecurityGroups.push({
          GroupId: groupId,
          GroupName: `${component}-postgres-${env}`,
        });
      }
    }
  }

  return {
    'describe-instances.json': {
      Reservations: out.reservations.map(res => ({
        Groups: [],
        Instances: res.instances,
        OwnerId: account.id,
        ReservationId: res.id,
      })),
    },
    'describe-vpcs.json': { Vpcs: out.vpcs },
    'describe-subnets.json': { Subnets: out.subnets },
    'describe-security-groups.json': { SecurityGroups: out.securityGroups },
    'describe-volumes.json': { Volumes: out.volumes },
    'describe-network-interfaces.json': { NetworkInterfaces: out.enis },
    'describe-addresses.json': { Addresses: out.addresses },
    'describe-nat-gateways.json': { NatGateways: out.natGateways },
  };
}

// ---------------------------------------------------------------------------
// AWS: the other services, as an AWS Config aggregator records them
// (aws configservice select-aggregate-resource-config) and, for tables,
// queues and topics, as the Tagging API lists them (aws
// resourcegroupstaggingapi get-resources) per account and region
// ---------------------------------------------------------------------------

/** Databases per region: [identifier suffix, component, engine, class, GB]. */
const AWS_DATABASES = {
  '111122223333/eu-west-1': [
    ['ledger-db', 'ledger-service', 'postgres', 'db.r6g.large', 400],
    ['orders-db', 'checkout-api', 'postgres', 'db.m6g.large', 200],
  ],
  // A copy somebody made by hand for a migration, and never tagged.
  '111122223333/us-east-1': [
    ['orders-db', undefined, 'postgres', 'db.m6g.large', 100],
  ],
  '444455556666/eu-west-1': [
    ['ledger-db', 'ledger-service', 'postgres', 'db.t4g.medium', 50],
    ['orders-db', 'checkout-api', 'postgres', 'db.t4g.small', 20],
  ],
};
/** Functions per region: [name, component, in the VPC, runtime]. */
const AWS_FUNCTIONS = {
  '111122223333/eu-west-1': [
    ['payments-webhook', 'payments-api', true, 'nodejs20.x'],
    ['fraud-scoring', 'fraud-detector', true, 'python3.12'],
    ['image-resizer', 'checkout-web', false, 'nodejs20.x'],
  ],
  '111122223333/us-east-1': [
    ['image-resizer', 'checkout-web', false, 'nodejs20.x'],
  ],
  '444455556666/eu-west-1': [
    ['payments-webhook', 'payments-api', true, 'nodejs20.x'],
    // Nobody remembers who wrote it.
    ['legacy-cron', undefined, false, 'python3.8'],
  ],
};
/** Buckets per account: [name suffix, component (or SHARED; undefined: untagged), region]. */
const AWS_BUCKETS = {
  111122223333: [
    ['checkout-assets', 'checkout-web', 'eu-west-1'],
    // Made before tagging was a rule; the pipeline still writes to it.
    ['event-archive', undefined, 'eu-west-1'],
    ['observability-logs', 'observability-stack', 'eu-west-1'],
    ['terraform-state', SHARED, 'us-east-1'],
    // The bucket the cost and usage reports land in: no tags at all.
    ['cur-exports', undefined, 'us-east-1'],
  ],
  444455556666: [
    ['checkout-assets', 'checkout-web', 'eu-west-1'],
    ['scratch', undefined, 'eu-west-1'],
  ],
};
/** Tables, queues and topics per region: [kind, name, component]. */
const AWS_TAGGED = {
  '111122223333/eu-west-1': [
    ['table', 'cart-sessions', 'cart-service'],
    ['queue', 'order-events', 'checkout-api'],
    ['topic', 'payment-notifications', 'payments-api'],
  ],
  '444455556666/eu-west-1': [
    ['table', 'cart-sessions', 'cart-service'],
    ['queue', 'order-events', 'checkout-api'],
  ],
};
const RDS_ENGINE_VERSION = { postgres: '16.4' };
const LAMBDA_MEMORY = { 'payments-webhook': 512, 'fraud-scoring': 2048 };

/** A tag list as Config's advanced query prints it. */
const configTags = obj =>
  Object.entries(obj).map(([key, value]) => ({
    key,
    value,
    tag: `${key}=${value}`,
  }));
const relationship = (resourceType, resourceId, name) => ({
  resourceId,
  resourceType,
  name,
});

/**
 * The Config items of one region's other resources, and its Tagging API
 * export, tied to the VPC, subnets, security groups and instances of its
 * describe-* files.
 */
function buildAwsServices(account, cfg, files) {
  const { region } = cfg;
  const env = account.env;
  const key = `${account.id}/${region}`;
  const r = stream(`aws-services/${key}`);
  const at = `${region}:${account.id}`;
  const vpc = files['describe-vpcs.json'].Vpcs[0];
  const subnets = files['describe-subnets.json'].Subnets;
  const tier = t => subnets.filter(s => awsTagValue(s.Tags, 'tier') === t);
  const groups = files['describe-security-groups.json'].SecurityGroups;
  const groupOf = component =>
    groups.find(
      g => g.GroupName === `${COMPONENTS[component]?.system}-app-${env}`,
    ) ?? groups.find(g => g.GroupName === 'default');
  const instances = files['describe-instances.json'].Reservations.flatMap(
    res => res.Instances,
  );
  const items = [];
  const item = (resourceType, resourceId, fields) => {
    const created = r.daysAgo(60, 700);
    items.push({
      version: '1.3',
      accountId: account.id,
      configurationItemCaptureTime: new Date(
        SNAPSHOT - r.int(3600, 86400) * 1000,
      ).toISOString(),
      configurationItemStatus: 'OK',
      resourceId,
      resourceName: fields.resourceName ?? resourceId,
      resourceType,
      arn: fields.arn,
      awsRegion: fields.awsRegion ?? region,
      availabilityZone: fields.availabilityZone ?? 'Not Applicable',
      resourceCreationTime: created.toISOString(),
      tags: configTags(fields.tags ?? {}),
      relationships: fields.relationships ?? [],
      configuration: fields.configuration ?? {},
    });
  };
  const tagsOf = (who, name) =>
    who === undefined ? {} : { Name: name, ...ownershipTags(r, who, env) };

  // A DB subnet group over the private subnets, and the databases in it.
  const databases = AWS_DATABASES[key] ?? [];
  const subnetGroup = `${env}-${region}-db`;
  const subnetGroupArn = `arn:aws:rds:${at}:subgrp:${subnetGroup}`;
  if (databases.length) {
    item('AWS::RDS::DBSubnetGroup', subnetGroup, {
      arn: subnetGroupArn,
      tags: tagsOf(SHARED, subnetGroup),
      configuration: {
        dBSubnetGroupName: subnetGroup,
        dBSubnetGroupDescription: `Private subnets of ${env} in ${region}`,
        vpcId: vpc.VpcId,
        subnetGroupStatus: 'Complete',
        subnets: tier('private').map(s => ({
          subnetIdentifier: s.SubnetId,
          subnetAvailabilityZone: { name: s.AvailabilityZone },
          subnetStatus: 'Active',
        })),
        dBSubnetGroupArn: subnetGroupArn,
      },
      relationships: [
        relationship('AWS::EC2::VPC', vpc.VpcId, 'Is contained in Vpc'),
      ],
    });
  }
  for (const [base, component, engine, instanceClass, storage] of databases) {
    const id = `${base}-${env}${region === 'us-east-1' ? '-use1' : ''}`;
    const arn = `arn:aws:rds:${at}:db:${id}`;
    const group = groupOf(component ?? 'checkout-api');
    const az = tier('private')[0].AvailabilityZone;
    item('AWS::RDS::DBInstance', `db-${r.alnum(26)}`, {
      resourceName: id,
      arn,
      availabilityZone: az,
      tags: tagsOf(component, id),
      configuration: {
        dBInstanceIdentifier: id,
        dBInstanceClass: instanceClass,
        engine,
        engineVersion: RDS_ENGINE_VERSION[engine],
        dBInstanceStatus: 'available',
        allocatedStorage: storage,
        storageType: 'gp3',
        multiAZ: env === 'prod',
        availabilityZone: az,
        publiclyAccessible: false,
        endpoint: {
          address: `${id}.${r.alnum(
            12,
            'abcdefghijklmnopqrstuvwxyz0123456789',
          )}.${region}.rds.amazonaws.com`,
          port: 5432,
        },
        dBSubnetGroup: {
          dBSubnetGroupName: subnetGroup,
          vpcId: vpc.VpcId,
          subnetGroupStatus: 'Complete',
        },
        vpcSecurityGroups: [
          { vpcSecurityGroupId: group.GroupId, status: 'active' },
        ],
        dBInstanceArn: arn,
      },
      relationships: [
        relationship(
          'AWS::RDS::DBSubnetGroup',
          subnetGroup,
          'Is associated with DBSubnetGroup',
        ),
        relationship(
          'AWS::EC2::SecurityGroup',
          group.GroupId,
          'Is associated with SecurityGroup',
        ),
      ],
    });
  }

  for (const [base, component, inVpc, runtime] of AWS_FUNCTIONS[key] ?? []) {
    const name = `${base}-${env}${region === 'us-east-1' ? '-use1' : ''}`;
    const arn = `arn:aws:lambda:${at}:function:${name}`;
    const group = component && groupOf(component);
    const vpcConfig = inVpc
      ? {
          subnetIds: tier('private').map(s => s.SubnetId),
          securityGroupIds: [group.GroupId],
          vpcId: vpc.VpcId,
        }
      : undefined;
    item('AWS::Lambda::Function', name, {
      arn,
      tags: component ? tagsOf(component, name) : { 'created-by': 'console' },
      configuration: {
        functionName: name,
        functionArn: arn,
        runtime,
        role: `arn:aws:iam::${account.id}:role/${name}-role`,
        handler: runtime.startsWith('python') ? 'app.handler' : 'index.handler',
        memorySize: LAMBDA_MEMORY[base] ?? 256,
        timeout: 30,
        state: 'Active',
        ...(vpcConfig ? { vpcConfig } : {}),
      },
      relationships: vpcConfig
        ? [
            ...vpcConfig.subnetIds.map(id =>
              relationship('AWS::EC2::Subnet', id, 'Is contained in Subnet'),
            ),
            relationship(
              'AWS::EC2::SecurityGroup',
              group.GroupId,
              'Is associated with SecurityGroup',
            ),
          ]
        : [],
    });
  }

  // The platform's EKS cluster, in prod's main region.
  if (key === '111122223333/eu-west-1') {
    const name = `platform-eks-${env}`;
    const arn = `arn:aws:eks:${at}:cluster/${name}`;
    const privateSubnets = tier('private').map(s => s.SubnetId);
    item('AWS::EKS::Cluster', name, {
      arn,
      tags: tagsOf(SHARED, name),
      configuration: {
        Name: name,
        Arn: arn,
        Version: '1.31',
        Endpoint: `https://${r
          .hex(32)
          .toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
        CertificateAuthorityData: Buffer.from(
          `-----BEGIN CERTIFICATE-----\n${r.alnum(
            64,
          )}\n-----END CERTIFICATE-----\n`,
        ).toString('base64'),
        RoleArn: `arn:aws:iam::${account.id}:role/${name}-cluster`,
        ResourcesVpcConfig: {
          SubnetIds: privateSubnets,
          SecurityGroupIds: [groupOf('ingress-gateway').GroupId],
          EndpointPublicAccess: true,
          EndpointPrivateAccess: true,
        },
      },
      relationships: privateSubnets.map(id =>
        relationship('AWS::EC2::Subnet', id, 'Is contained in Subnet'),
      ),
    });
  }

  // The checkout site's load balancer and its target group of web instances.
  const web = instances.filter(
    i =>
      i.State.Name === 'running' &&
      awsTagValue(i.Tags, 'component') === 'checkout-web',
  );
  if (web.length) {
    const name = `checkout-web-${env}${region === 'us-east-1' ? '-use1' : ''}`;
    const lbArn = `arn:aws:elasticloadbalancing:${at}:loadbalancer/app/${name}/${r.hex(
      16,
    )}`;
    const tgArn = `arn:aws:elasticloadbalancing:${at}:targetgroup/${name}-tg/${r.hex(
      16,
    )}`;
    const group = groupOf('checkout-web');
    item('AWS::ElasticLoadBalancingV2::TargetGroup', tgArn, {
      resourceName: `${name}-tg`,
      arn: tgArn,
      tags: tagsOf('checkout-web', `${name}-tg`),
      configuration: {
        targetGroupArn: tgArn,
        targetGroupName: `${name}-tg`,
        protocol: 'HTTP',
        port: SYSTEM_PORTS.checkout,
        vpcId: vpc.VpcId,
        targetType: 'instance',
        loadBalancerArns: [lbArn],
      },
      relationships: [
        relationship('AWS::EC2::VPC', vpc.VpcId, 'Is contained in Vpc'),
        ...web.map(i =>
          relationship(
            'AWS::EC2::Instance',
            i.InstanceId,
            'Is associated with Instance',
          ),
        ),
      ],
    });
    item('AWS::ElasticLoadBalancingV2::LoadBalancer', lbArn, {
      resourceName: name,
      arn: lbArn,
      tags: tagsOf('checkout-web', name),
      configuration: {
        loadBalancerArn: lbArn,
        dNSName: `${name}-${r.digits(10)}.${region}.elb.amazonaws.com`,
        loadBalancerName: name,
        scheme: 'internet-facing',
        vpcId: vpc.VpcId,
        state: { code: 'active' },
        type: 'application',
        availabilityZones: tier('public').map(s => ({
          zoneName: s.AvailabilityZone,
          subnetId: s.SubnetId,
        })),
        securityGroups: [group.GroupId],
      },
      relationships: [
        relationship(
          'AWS::ElasticLoadBalancingV2::TargetGroup',
          tgArn,
          'Is associated with TargetGroup',
        ),
        ...tier('public').map(s =>
          relationship(
            'AWS::EC2::Subnet',
            s.SubnetId,
            'Is contained in Subnet',
          ),
        ),
        relationship(
          'AWS::EC2::SecurityGroup',
          group.GroupId,
          'Is associated with SecurityGroup',
        ),
      ],
    });
  }

  const tagMappings = (AWS_TAGGED[key] ?? []).map(([kind, base, component]) => {
    const name = `${base}-${env}`;
    const arn = {
      table: `arn:aws:dynamodb:${at}:table/${name}`,
      queue: `arn:aws:sqs:${at}:${name}`,
      topic: `arn:aws:sns:${at}:${name}`,
    }[kind];
    return {
      ResourceARN: arn,
      Tags: awsTagList(ownershipTags(r, component, env)),
    };
  });
  return { items, tagMappings };
}

/** Buckets of one account: Config records each in the region it lives in. */
function buildAwsBuckets(account) {
  const r = stream(`aws-services/${account.id}/s3`);
  return (AWS_BUCKETS[account.id] ?? []).map(([base, who, region]) => {
    const name = `contoso-${account.env}-${base}`;
    return {
      version: '1.3',
      accountId: account.id,
      configurationItemCaptureTime: new Date(
        SNAPSHOT - r.int(3600, 86400) * 1000,
      ).toISOString(),
      configurationItemStatus: 'OK',
      resourceId: name,
      resourceName: name,
      resourceType: 'AWS::S3::Bucket',
      arn: `arn:aws:s3:::${name}`,
      awsRegion: region,
      availabilityZone: 'Regional',
      resourceCreationTime: r.daysAgo(100, 900).toISOString(),
      tags: configTags(
        who === undefined ? {} : ownershipTags(r, who, account.env),
      ),
      relationships: [],
      configuration: {
        name,
        owner: { id: r.hex(64) },
        creationDate: r.daysAgo(100, 900).toISOString(),
      },
    };
  });
}

// ---------------------------------------------------------------------------
// Azure: az resource list, az group list and the list commands that print
// the settings relating resources (vm, network nic, vnet, private-endpoint),
// per subscription
// ---------------------------------------------------------------------------

function buildAzureSubscription(sub) {
  const r = stream(`azure/${sub.name}`);
  const env = sub.env;
  const subId = r.uuid();
  const tenantId = stream('azure/tenant').uuid();
  const location = 'westeurope';
  const groups = [];
  const resources = [];
  const byName = {};

  const group = (name, who, opts = {}) => {
    const tags =
      opts.tags ?? (who ? ownershipTags(r, who, env, opts.force) : {});
    groups.push({
      id: `/subscriptions/${subId}/resourceGroups/${name}`,
      location: opts.location ?? location,
      managedBy: opts.managedBy ?? null,
      name,
      properties: { provisioningState: 'Succeeded' },
      tags: Object.keys(tags).length || opts.emptyTags ? tags : null,
      type: 'Microsoft.Resources/resourceGroups',
    });
    return name;
  };

  /**
   * One `az resource list` entry. `path` is the part after the provider type
   * for child resources (servers/x/databases/y) and the plain name otherwise.
   */
  const res = (rg, type, name, who, opts = {}) => {
    const [namespace, ...typeSegments] = type.split('/');
    const nameSegments = name.split('/');
    const path = typeSegments
      .map((t, i) => `${t}/${nameSegments[i]}`)
      .join('/');
    const rgInId = opts.upperCaseGroup ? rg.toUpperCase() : rg;
    const created = r.daysAgo(opts.minAge ?? 30, opts.maxAge ?? 700);
    const changed = new Date(
      Math.min(SNAPSHOT, created.getTime() + r.int(0, 120) * 86400 * 1000),
    );
    const tags =
      opts.tags ?? (who ? ownershipTags(r, who, env, opts.force) : {});
    const entry = {
      changedTime: azTime(changed, r),
      createdTime: azTime(created, r),
      extendedLocation: null,
      id: `/subscriptions/${subId}/resourceGroups/${rgInId}/providers/${namespace}/${path}`,
      identity: opts.identity
        ? {
            principalId: r.uuid(),
            tenantId,
            type: 'SystemAssigned',
            userAssignedIdentities: null,
          }
        : null,
      kind: opts.kind ?? null,
      location: opts.location ?? location,
      managedBy: opts.managedBy ?? null,
      name,
      plan: null,
      properties: null,
      provisioningState: 'Succeeded',
      resourceGroup: rgInId,
      sku: opts.sku ?? null,
      tags: Object.keys(tags).length ? tags : opts.emptyTags ? {} : null,
      type,
    };
    resources.push(entry);
    byName[`${type}/${name}`] = entry;
    return entry;
  };

  /** The VMs with their NIC, disks and subnet, for `az vm list` and `az network nic list`. */
  const vms = [];
  const vm = (rg, name, who, opts = {}) => {
    const tags = ownershipTags(r, who, env, opts.force);
    const machine = res(rg, 'Microsoft.Compute/virtualMachines', name, who, {
      tags,
      identity: r.chance(0.6),
    });
    const nic = res(
      rg,
      'Microsoft.Network/networkInterfaces',
      `${name}-nic01`,
      who,
      {
        tags,
      },
    );
    const osDisk = res(
      rg,
      'Microsoft.Compute/disks',
      `${name}_OsDisk_1_${r.hex(32)}`,
      who,
      {
        tags,
        sku: { name: 'Premium_LRS', tier: 'Premium' },
        managedBy: machine.id,
        // Disks created with a VM come back with the group upper-cased.
        upperCaseGroup: opts.upperCaseDisks,
      },
    );
    const dataDisk = opts.dataDisk
      ? res(rg, 'Microsoft.Compute/disks', `${name}-data01`, who, {
          tags,
          sku: { name: 'Premium_LRS', tier: 'Premium' },
          managedBy: machine.id,
        })
      : undefined;
    vms.push({ machine, nic, osDisk, dataDisk, subnet: opts.subnet ?? 'app' });
    return machine;
  };
  /** Private endpoints to create once the rest is built: [group, name, component, target, group id]. */
  const privateEndpoints = [];

  const storage = (rg, name, who, sku = 'Standard_LRS') =>
    res(rg, 'Microsoft.Storage/storageAccounts', name, who, {
      kind: 'StorageV2',
      sku: { name: sku, tier: 'Standard' },
    });
  const vault = (rg, name, who) =>
    res(rg, 'Microsoft.KeyVault/vaults', name, who);

  const s = env === 'prod' ? 'prod' : 'stg';
  // Shared networking
  const rgNet = group(`rg-network-${env}`, SHARED, { force: 'tagged' });
  res(rgNet, 'Microsoft.Network/virtualNetworks', `vnet-${env}-weu`, SHARED, {
    force: 'tagged',
  });
  for (const tier of ['app', 'data', 'bastion']) {
    res(
      rgNet,
      'Microsoft.Network/networkSecurityGroups',
      `nsg-${tier}-${env}`,
      SHARED,
      {
        tags: ownershipTags(r, SHARED, env, 'tagged'),
      },
    );
  }
  res(
    rgNet,
    'Microsoft.Network/publicIPAddresses',
    `pip-bastion-${env}`,
    SHARED,
    {
      sku: { name: 'Standard', tier: 'Regional' },
    },
  );
  // Idle: a public IP nothing uses any more
  res(
    rgNet,
    'Microsoft.Network/publicIPAddresses',
    `pip-legacy-vpn-${env}`,
    SHARED,
    {
      sku: { name: 'Basic', tier: 'Regional' },
      tags: env === 'prod' ? { owner: 'growth-team', environment: env } : {},
      minAge: 600,
      maxAge: 800,
    },
  );
  group('NetworkWatcherRG', null);
  res(
    'NetworkWatcherRG',
    'Microsoft.Network/networkWatchers',
    `NetworkWatcher_${location}`,
    null,
    {
      tags: {},
    },
  );

  if (env === 'prod') {
    // Checkout
    const rgCheckout = group('rg-checkout-prod', {
      system: 'checkout',
      owner: 'checkout-team',
    });
    vm(rgCheckout, 'vm-checkout-api-prod-01', 'checkout-api', {
      upperCaseDisks: true,
    });
    vm(rgCheckout, 'vm-checkout-api-prod-02', 'checkout-api', {
      upperCaseDisks: true,
    });
    vm(rgCheckout, 'vm-cart-prod-01', 'cart-service', { upperCaseDisks: true });
    res(
      rgCheckout,
      'Microsoft.Web/serverFarms',
      'asp-checkout-prod',
      'checkout-web',
      {
        kind: 'linux',
        sku: {
          capacity: 2,
          family: 'Pv3',
          name: 'P1v3',
          size: 'P1v3',
          tier: 'PremiumV3',
        },
      },
    );
    res(
      rgCheckout,
      'Microsoft.Web/sites',
      'app-checkout-web-prod',
      'checkout-web',
      {
        kind: 'app,linux',
        identity: true,
      },
    );
    storage(
      rgCheckout,
      `stcartprod${r.hex(6)}`,
      'cart-service',
      'Standard_ZRS',
    );
    vault(rgCheckout, 'kv-checkout-prod', 'checkout-api');

    // Payments
    const rgPayments = group('rg-payments-prod', {
      system: 'payments',
      owner: 'payments-team',
    });
    vm(rgPayments, 'vm-fraud-detector-prod-01', 'fraud-detector', {
      dataDisk: true,
    });
    vm(rgPayments, 'vm-fraud-detector-prod-02', 'fraud-detector', {
      dataDisk: true,
    });
    const server = res(
      rgPayments,
      'Microsoft.Sql/servers',
      'sql-payments-prod',
      'ledger-service',
      {
        kind: 'v12.0',
      },
    );
    res(
      rgPayments,
      'Microsoft.Sql/servers/databases',
      'sql-payments-prod/ledger',
      'ledger-service',
      {
        kind: 'v12.0,user',
        sku: { capacity: 10, name: 'Standard', tier: 'Standard' },
      },
    );
    res(
      rgPayments,
      'Microsoft.Sql/servers/databases',
      'sql-payments-prod/payments',
      'payments-api',
      {
        kind: 'v12.0,user',
        sku: { capacity: 20, name: 'Standard', tier: 'Standard' },
      },
    );
    res(
      rgPayments,
      'Microsoft.Sql/servers/databases',
      'sql-payments-prod/master',
      null,
      {
        kind: 'v12.0,system',
        sku: { capacity: 0, name: 'System', tier: 'System' },
        managedBy: server.id,
        tags: {},
      },
    );
    res(
      rgPayments,
      'Microsoft.Web/serverFarms',
      'asp-payments-prod',
      'payments-api',
      {
        kind: 'linux',
        sku: {
          capacity: 3,
          family: 'Pv3',
          name: 'P2v3',
          size: 'P2v3',
          tier: 'PremiumV3',
        },
      },
    );
    res(
      rgPayments,
      'Microsoft.Web/sites',
      'app-payments-api-prod',
      'payments-api',
      {
        kind: 'app,linux',
        identity: true,
      },
    );
    vault(rgPayments, 'kv-payments-prod', 'payments-api');
    storage(
      rgPayments,
      `stledgerarchive${r.hex(4)}`,
      'ledger-service',
      'Standard_GRS',
    );
    privateEndpoints.push(
      [
        rgPayments,
        'pe-sql-payments-prod',
        'ledger-service',
        server,
        'sqlServer',
      ],
      [
        rgPayments,
        'pe-kv-payments-prod',
        'payments-api',
        byName['Microsoft.KeyVault/vaults/kv-payments-prod'],
        'vault',
      ],
      [
        rgCheckout,
        'pe-kv-checkout-prod',
        'checkout-api',
        byName['Microsoft.KeyVault/vaults/kv-checkout-prod'],
        'vault',
      ],
    );

    // Data
    const rgData = group('rg-data-prod', {
      system: 'data-platform',
      owner: 'data-team',
    });
    vm(rgData, 'vm-etl-prod-01', 'event-pipeline', {
      dataDisk: true,
      subnet: 'data',
    });
    const datalake = storage(
      rgData,
      `stdatalakeprod${r.hex(4)}`,
      'analytics-warehouse',
    );
    privateEndpoints.push([
      rgData,
      'pe-stdatalake-prod',
      'analytics-warehouse',
      datalake,
      'blob',
    ]);
    // Idle: a disk left behind by a VM that was deleted
    res(
      rgData,
      'Microsoft.Compute/disks',
      'vm-etl-prod-00-data01',
      'event-pipeline',
      {
        sku: { name: 'Premium_LRS', tier: 'Premium' },
        force: 'untagged',
        minAge: 400,
        maxAge: 500,
      },
    );
    res(
      rgData,
      'Microsoft.Compute/disks',
      'disk-reporting-scratch',
      'reporting-dashboard',
      {
        sku: { name: 'StandardSSD_LRS', tier: 'Standard' },
        minAge: 200,
        maxAge: 300,
      },
    );

    // Platform: the AKS cluster, its node resource group, monitoring
    const rgPlatform = group('rg-platform-prod', SHARED, { force: 'tagged' });
    const clusterTags = ownershipTags(r, SHARED, env, 'tagged');
    const aks = res(
      rgPlatform,
      'Microsoft.ContainerService/managedClusters',
      'aks-prod-weu',
      SHARED,
      {
        sku: { name: 'Base', tier: 'Standard' },
        identity: true,
        tags: clusterTags,
      },
    );
    res(
      rgPlatform,
      'Microsoft.OperationalInsights/workspaces',
      'log-prod-weu',
      'observability-stack',
      {},
    );
    res(
      rgPlatform,
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'id-ingress-gateway-prod',
      'ingress-gateway',
      {},
    );
    const mc = `MC_${rgPlatform}_aks-prod-weu_${location}`;
    group(mc, null, {
      managedBy: aks.id,
      tags: {
        ...clusterTags,
        'aks-managed-cluster-name': 'aks-prod-weu',
        'aks-managed-cluster-rg': rgPlatform,
      },
    });
    const suffix = r.digits(8);
    const aksTags = pool => ({
      'aks-managed-createOperationID': r.uuid(),
      'aks-managed-creationSource': `vmssclient-aks-${pool}-${suffix}-vmss`,
      'aks-managed-orchestrator': 'Kubernetes:1.30.6',
      'aks-managed-poolName': pool,
      'aks-managed-resourceNameSuffix': suffix,
    });
    for (const [pool, size, capacity] of [
      ['system', 'Standard_D4s_v5', 3],
      ['user', 'Standard_D8s_v5', 4],
    ]) {
      res(
        mc,
        'Microsoft.Compute/virtualMachineScaleSets',
        `aks-${pool}-${suffix}-vmss`,
        null,
        {
          sku: { capacity, name: size, tier: 'Standard' },
          tags: aksTags(pool),
        },
      );
    }
    // Cluster tags reach every cluster resource but the node pools' scale sets.
    res(mc, 'Microsoft.Network/loadBalancers', 'kubernetes', null, {
      sku: { name: 'Standard', tier: 'Regional' },
      tags: clusterTags,
    });
    res(
      mc,
      'Microsoft.Network/publicIPAddresses',
      `kubernetes-a${r.hex(31)}`,
      null,
      {
        sku: { name: 'Standard', tier: 'Regional' },
        tags: {
          ...clusterTags,
          'k8s-azure-cluster-name': 'kubernetes',
          'k8s-azure-service': 'ingress-nginx/ingress-nginx-controller',
        },
      },
    );
    res(
      mc,
      'Microsoft.Network/networkSecurityGroups',
      `aks-agentpool-${suffix}-nsg`,
      null,
      {
        tags: clusterTags,
      },
    );
    res(
      mc,
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'aks-prod-weu-agentpool',
      null,
      {
        tags: clusterTags,
      },
    );
  } else {
    const rgApps = group('rg-apps-staging', null, {
      tags: { environment: env, 'managed-by': 'terraform' },
    });
    vm(rgApps, 'vm-checkout-api-stg-01', 'checkout-api', {
      upperCaseDisks: true,
    });
    vm(rgApps, 'vm-fraud-detector-stg-01', 'fraud-detector', {});
    vm(rgApps, 'vm-etl-stg-01', 'event-pipeline', {
      dataDisk: true,
      subnet: 'data',
    });
    res(
      rgApps,
      'Microsoft.Web/serverFarms',
      'asp-apps-staging',
      'checkout-web',
      {
        kind: 'linux',
        sku: {
          capacity: 1,
          family: 'B',
          name: 'B2',
          size: 'B2',
          tier: 'Basic',
        },
      },
    );
    res(rgApps, 'Microsoft.Web/sites', 'app-checkout-web-stg', 'checkout-web', {
      kind: 'app,linux',
    });
    res(rgApps, 'Microsoft.Web/sites', 'app-payments-api-stg', 'payments-api', {
      kind: 'app,linux',
    });
    const server = res(
      rgApps,
      'Microsoft.Sql/servers',
      'sql-apps-stg',
      'ledger-service',
      {
        kind: 'v12.0',
      },
    );
    res(
      rgApps,
      'Microsoft.Sql/servers/databases',
      'sql-apps-stg/ledger',
      'ledger-service',
      {
        kind: 'v12.0,user',
        sku: { capacity: 5, name: 'Basic', tier: 'Basic' },
      },
    );
    res(
      rgApps,
      'Microsoft.Sql/servers/databases',
      'sql-apps-stg/master',
      null,
      {
        kind: 'v12.0,system',
        sku: { capacity: 0, name: 'System', tier: 'System' },
        managedBy: server.id,
        tags: {},
      },
    );
    storage(rgApps, `stappsstg${r.hex(6)}`, 'cart-service');
    const dataStorage = storage(
      rgApps,
      `stdatastg${r.hex(6)}`,
      'analytics-warehouse',
    );
    privateEndpoints.push(
      [rgApps, 'pe-sql-apps-stg', 'ledger-service', server, 'sqlServer'],
      [rgApps, 'pe-stdata-stg', 'analytics-warehouse', dataStorage, 'blob'],
    );
    vault(rgApps, `kv-apps-${s}`, 'payments-api');
    res(
      rgApps,
      'Microsoft.Compute/disks',
      'vm-load-test-01_OsDisk_1_' + r.hex(32),
      null,
      {
        sku: { name: 'Premium_LRS', tier: 'Premium' },
        tags: { owner: 'growth-team' },
        minAge: 150,
        maxAge: 250,
      },
    );
  }

  // What the providers' own list commands print (`az vm list`, `az network
  // nic list`, `vnet list`, `private-endpoint list`): the settings that relate
  // resources, which `az resource list` leaves out (`properties: null`). Built
  // last, from a stream of their own, so the entries above keep their values.
  const v = stream(`azure/${sub.name}/settings`);
  const ref = target => ({
    id: target.id ?? target,
    resourceGroup: (target.id ?? target).split('/')[4],
  });
  const vnet = byName[`Microsoft.Network/virtualNetworks/vnet-${env}-weu`];
  const nsgs = Object.fromEntries(
    ['app', 'data', 'bastion'].map(tier => [
      tier,
      byName[`Microsoft.Network/networkSecurityGroups/nsg-${tier}-${env}`],
    ]),
  );
  const octet = env === 'prod' ? 20 : 120;
  const subnetSpecs = [
    ['snet-app', `10.${octet}.1.0/24`, nsgs.app],
    ['snet-data', `10.${octet}.2.0/24`, nsgs.data],
    ['snet-bastion', `10.${octet}.3.0/26`, nsgs.bastion],
    ['snet-privatelink', `10.${octet}.4.0/24`, null],
    ...(env === 'prod' ? [['snet-aks', `10.${octet}.64.0/18`, null]] : []),
  ];
  const subnets = Object.fromEntries(
    subnetSpecs.map(([name, prefix, nsg]) => [
      name.replace(/^snet-/, ''),
      {
        addressPrefix: prefix,
        delegations: [],
        etag: `W/"${v.uuid()}"`,
        id: `${vnet.id}/subnets/${name}`,
        name,
        networkSecurityGroup: nsg ? ref(nsg) : null,
        privateEndpointNetworkPolicies: 'Disabled',
        privateLinkServiceNetworkPolicies: 'Enabled',
        provisioningState: 'Succeeded',
        resourceGroup: rgNet,
        type: 'Microsoft.Network/virtualNetworks/subnets',
      },
    ]),
  );
  const hosts = {};
  const privateIp = subnet => {
    const base = subnets[subnet].addressPrefix.replace(/\.0\/\d+$/, '');
    hosts[subnet] = (hosts[subnet] ?? 3) + 1;
    return `${base}.${hosts[subnet]}`;
  };
  const mac = () =>
    Array.from({ length: 6 }, (_, i) =>
      i < 3 ? ['00', '0D', '3A'][i] : v.hex(2).toUpperCase(),
    ).join('-');
  const nicEntry = (entry, subnet, extra = {}) => ({
    auxiliaryMode: 'None',
    auxiliarySku: 'None',
    disableTcpStateTracking: false,
    dnsSettings: { appliedDnsServers: [], dnsServers: [] },
    enableAcceleratedNetworking: extra.accelerated ?? false,
    enableIPForwarding: false,
    etag: `W/"${v.uuid()}"`,
    hostedWorkloads: [],
    id: entry.id,
    ipConfigurations: [
      {
        etag: `W/"${v.uuid()}"`,
        id: `${entry.id}/ipConfigurations/${
          extra.ipConfiguration ?? 'ipconfig1'
        }`,
        name: extra.ipConfiguration ?? 'ipconfig1',
        primary: true,
        privateIPAddress: privateIp(subnet),
        privateIPAddressVersion: 'IPv4',
        privateIPAllocationMethod: 'Dynamic',
        provisioningState: 'Succeeded',
        ...(extra.publicIp ? { publicIPAddress: ref(extra.publicIp) } : {}),
        resourceGroup: entry.resourceGroup,
        subnet: ref(subnets[subnet].id),
        type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
      },
    ],
    location: entry.location,
    ...(extra.privateEndpoint ? {} : { macAddress: mac() }),
    name: entry.name,
    networkSecurityGroup: extra.nsg ? ref(extra.nsg) : null,
    nicType: 'Standard',
    primary: extra.privateEndpoint ? null : true,
    ...(extra.privateEndpoint
      ? { privateEndpoint: ref(extra.privateEndpoint) }
      : {}),
    provisioningState: 'Succeeded',
    resourceGroup: entry.resourceGroup,
    resourceGuid: v.uuid(),
    tags: entry.tags,
    tapConfigurations: [],
    type: 'Microsoft.Network/networkInterfaces',
    virtualMachine: extra.vm ? ref(extra.vm) : null,
    vnetEncryptionSupported: false,
  });
  const nics = vms.map(({ machine, nic, subnet }) =>
    nicEntry(nic, subnet, { vm: machine, accelerated: true }),
  );
  // Idle: the NIC of a deleted jump host, still holding its public IP.
  const jumpNic = res(
    rgNet,
    'Microsoft.Network/networkInterfaces',
    `vm-jump-${s}-01-nic01`,
    SHARED,
    { force: 'tagged', minAge: 500, maxAge: 600 },
  );
  nics.push(
    nicEntry(jumpNic, 'bastion', {
      publicIp:
        byName[`Microsoft.Network/publicIPAddresses/pip-bastion-${env}`],
      nsg: nsgs.bastion,
    }),
  );
  const endpoints = privateEndpoints.map(([rg, name, who, target, groupId]) => {
    const endpoint = res(rg, 'Microsoft.Network/privateEndpoints', name, who, {
      minAge: 60,
      maxAge: 300,
    });
    const nic = res(
      rg,
      'Microsoft.Network/networkInterfaces',
      `${name}.nic.${v.uuid()}`,
      null,
      { tags: {}, minAge: 60, maxAge: 300 },
    );
    nics.push(
      nicEntry(nic, 'privatelink', {
        privateEndpoint: endpoint,
        ipConfiguration: `privateEndpointIpConfig.${v.uuid()}`,
      }),
    );
    return {
      customDnsConfigs: [],
      customNetworkInterfaceName: '',
      etag: `W/"${v.uuid()}"`,
      id: endpoint.id,
      ipConfigurations: [],
      location: endpoint.location,
      manualPrivateLinkServiceConnections: [],
      name,
      networkInterfaces: [ref(nic)],
      privateLinkServiceConnections: [
        {
          etag: `W/"${v.uuid()}"`,
          groupIds: [groupId],
          id: `${endpoint.id}/privateLinkServiceConnections/${name}`,
          name,
          privateLinkServiceConnectionState: {
            actionsRequired: 'None',
            description: 'Auto-Approved',
            status: 'Approved',
          },
          privateLinkServiceId: target.id,
          provisioningState: 'Succeeded',
          resourceGroup: rg,
          type: 'Microsoft.Network/privateEndpoints/privateLinkServiceConnections',
        },
      ],
      provisioningState: 'Succeeded',
      resourceGroup: rg,
      resourceGuid: v.uuid(),
      subnet: ref(subnets.privatelink.id),
      tags: endpoint.tags,
      type: 'Microsoft.Network/privateEndpoints',
    };
  });
  // The sizes examples/cost/generate.mjs bills.
  const vmSize = (tags, name) => {
    const prod = tags?.environment === 'prod' || /-prod-/.test(name);
    switch (tags?.component) {
      case 'fraud-detector':
        return prod ? 'Standard_F8s_v2' : 'Standard_F4s_v2';
      case 'event-pipeline':
        return prod ? 'Standard_E4s_v5' : 'Standard_E2s_v5';
      default:
        return prod ? 'Standard_D4s_v5' : 'Standard_D2s_v5';
    }
  };
  const disk = (entry, extra) => ({
    caching: extra.caching,
    createOption: extra.createOption,
    deleteOption: extra.deleteOption,
    detachOption: null,
    diskIopsReadWrite: null,
    diskMBpsReadWrite: null,
    diskSizeGb: extra.diskSizeGb,
    image: null,
    managedDisk: {
      diskEncryptionSet: null,
      id: entry.id,
      resourceGroup: entry.resourceGroup,
      securityProfile: null,
      storageAccountType: 'Premium_LRS',
    },
    name: entry.name,
    vhd: null,
    writeAcceleratorEnabled: null,
    ...(extra.lun !== undefined ? { lun: extra.lun, toBeDetached: false } : {}),
    ...(extra.osType ? { encryptionSettings: null, osType: extra.osType } : {}),
  });
  const vmList = vms.map(({ machine, nic, osDisk, dataDisk }) => ({
    additionalCapabilities: null,
    applicationProfile: null,
    availabilitySet: null,
    billingProfile: null,
    capacityReservation: null,
    diagnosticsProfile: {
      bootDiagnostics: { enabled: true, storageUri: null },
    },
    evictionPolicy: null,
    extendedLocation: null,
    extensionsTimeBudget: null,
    hardwareProfile: {
      vmSize: vmSize(machine.tags, machine.name),
      vmSizeProperties: null,
    },
    host: null,
    hostGroup: null,
    id: machine.id,
    identity: machine.identity,
    instanceView: null,
    licenseType: null,
    location: machine.location,
    name: machine.name,
    networkProfile: {
      networkApiVersion: null,
      networkInterfaceConfigurations: null,
      networkInterfaces: [
        {
          deleteOption: 'Detach',
          id: nic.id,
          primary: true,
          resourceGroup: nic.resourceGroup,
        },
      ],
    },
    osProfile: {
      adminPassword: null,
      adminUsername: 'azureuser',
      allowExtensionOperations: true,
      computerName: machine.name,
      customData: null,
      linuxConfiguration: {
        disablePasswordAuthentication: true,
        enableVmAgentPlatformUpdates: false,
        patchSettings: {
          assessmentMode: 'ImageDefault',
          automaticByPlatformSettings: null,
          patchMode: 'ImageDefault',
        },
        provisionVmAgent: true,
        ssh: {
          publicKeys: [
            {
              keyData: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${v.alnum(
                43,
                'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
              )} azureuser`,
              path: '/home/azureuser/.ssh/authorized_keys',
            },
          ],
        },
      },
      requireGuestProvisionSignal: true,
      secrets: [],
      windowsConfiguration: null,
    },
    plan: null,
    platformFaultDomain: null,
    priority: null,
    provisioningState: 'Succeeded',
    proximityPlacementGroup: null,
    resourceGroup: machine.resourceGroup,
    resources: null,
    scheduledEventsProfile: null,
    securityProfile: {
      encryptionAtHost: null,
      securityType: 'TrustedLaunch',
      uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
    },
    storageProfile: {
      dataDisks: dataDisk
        ? [
            disk(dataDisk, {
              caching: 'ReadOnly',
              createOption: 'Attach',
              deleteOption: 'Detach',
              diskSizeGb: 512,
              lun: 0,
            }),
          ]
        : [],
      diskControllerType: 'SCSI',
      imageReference: {
        communityGalleryImageId: null,
        exactVersion: '22.04.202505210',
        id: null,
        offer: '0001-com-ubuntu-server-jammy',
        publisher: 'Canonical',
        sharedGalleryImageId: null,
        sku: '22_04-lts-gen2',
        version: 'latest',
      },
      osDisk: disk(osDisk, {
        caching: 'ReadWrite',
        createOption: 'FromImage',
        deleteOption: 'Delete',
        diskSizeGb: 30,
        osType: 'Linux',
      }),
    },
    tags: machine.tags,
    timeCreated: machine.createdTime,
    type: 'Microsoft.Compute/virtualMachines',
    userData: null,
    virtualMachineScaleSet: null,
    vmId: v.uuid(),
    zones: ['1'],
  }));
  const vnetList = [
    {
      addressSpace: { addressPrefixes: [`10.${octet}.0.0/16`] },
      bgpCommunities: null,
      ddosProtectionPlan: null,
      dhcpOptions: { dnsServers: [] },
      enableDdosProtection: false,
      enableVmProtection: null,
      encryption: null,
      etag: `W/"${v.uuid()}"`,
      extendedLocation: null,
      flowTimeoutInMinutes: null,
      id: vnet.id,
      ipAllocations: null,
      location: vnet.location,
      name: vnet.name,
      provisioningState: 'Succeeded',
      resourceGroup: rgNet,
      resourceGuid: v.uuid(),
      subnets: Object.values(subnets),
      tags: vnet.tags,
      type: 'Microsoft.Network/virtualNetworks',
      virtualNetworkPeerings: [],
    },
  ];

  // What `az network nsg list`, `az network public-ip list` and `az sql
  // server list` print: the settings the Alerts rules read (rules open to
  // the world, whether a public IP is associated, whether a SQL server takes
  // public traffic). From a stream of their own, built last.
  const a = stream(`azure/${sub.name}/alert-settings`);
  const etag = () => `W/"${a.uuid()}"`;
  const ofType = type => resources.filter(entry => entry.type === type);
  const office = '198.51.100.0/24';
  const securityRule = (
    nsg,
    name,
    priority,
    settings,
    kind = 'securityRules',
  ) => {
    const {
      protocol = 'Tcp',
      source,
      sources,
      port,
      ports,
      access = 'Allow',
      direction = 'Inbound',
      description,
    } = settings;
    return {
      access,
      ...(description !== undefined ? { description } : {}),
      destinationAddressPrefix: '*',
      destinationAddressPrefixes: [],
      ...(port !== undefined ? { destinationPortRange: port } : {}),
      destinationPortRanges: ports ?? [],
      direction,
      etag: etag(),
      id: `${nsg.id}/${kind}/${name}`,
      name,
      priority,
      protocol,
      provisioningState: 'Succeeded',
      resourceGroup: nsg.resourceGroup,
      ...(source !== undefined ? { sourceAddressPrefix: source } : {}),
      sourceAddressPrefixes: sources ?? [],
      sourcePortRange: '*',
      sourcePortRanges: [],
      type: `Microsoft.Network/networkSecurityGroups/${kind}`,
    };
  };
  const defaultRules = nsg =>
    [
      [
        'AllowVnetInBound',
        65000,
        'Inbound',
        'Allow',
        'VirtualNetwork',
        'Allow inbound traffic from all VMs in VNET',
      ],
      [
        'AllowAzureLoadBalancerInBound',
        65001,
        'Inbound',
        'Allow',
        'AzureLoadBalancer',
        'Allow inbound traffic from azure load balancer',
      ],
      [
        'DenyAllInBound',
        65500,
        'Inbound',
        'Deny',
        '*',
        'Deny all inbound traffic',
      ],
      [
        'AllowVnetOutBound',
        65000,
        'Outbound',
        'Allow',
        'VirtualNetwork',
        'Allow outbound traffic from all VMs to all VMs in VNET',
      ],
      [
        'AllowInternetOutBound',
        65001,
        'Outbound',
        'Allow',
        '*',
        'Allow outbound traffic from all VMs to Internet',
      ],
      [
        'DenyAllOutBound',
        65500,
        'Outbound',
        'Deny',
        '*',
        'Deny all outbound traffic',
      ],
    ].map(([name, priority, direction, access, source, description]) =>
      securityRule(
        nsg,
        name,
        priority,
        { protocol: '*', source, port: '*', access, direction, description },
        'defaultSecurityRules',
      ),
    );
  const appPrefix = subnets.app.addressPrefix;
  const nsgRules = {
    [`nsg-app-${env}`]: nsg => [
      securityRule(nsg, 'AllowHttpsFromVnet', 100, {
        source: 'VirtualNetwork',
        port: '443',
      }),
    ],
    [`nsg-data-${env}`]: nsg => [
      securityRule(nsg, 'AllowSqlFromApp', 100, {
        source: appPrefix,
        port: '1433',
      }),
    ],
    [`nsg-bastion-${env}`]: nsg => [
      securityRule(nsg, 'AllowSshFromOffice', 100, {
        source: office,
        port: '22',
      }),
      // Staging: somebody's Windows jump host, RDP open to the world.
      ...(env === 'prod'
        ? []
        : [
            securityRule(nsg, 'AllowRdpFromAnywhere', 110, {
              source: '*',
              port: '3389',
            }),
          ]),
    ],
  };
  const nsgList = ofType('Microsoft.Network/networkSecurityGroups').map(nsg => {
    // The AKS node pool's group: the rule AKS writes for the ingress
    // controller's public load balancer.
    const rules = nsgRules[nsg.name]?.(nsg) ?? [
      securityRule(nsg, `k8s-azure-lb_allow_IPv4_${a.hex(32)}`, 500, {
        source: 'Internet',
        ports: ['80', '443'],
      }),
    ];
    const subnetRefs = Object.values(subnets)
      .filter(subnet => subnet.networkSecurityGroup?.id === nsg.id)
      .map(subnet => ref(subnet.id));
    const nicRefs = nics
      .filter(nic => nic.networkSecurityGroup?.id === nsg.id)
      .map(nic => ref(nic.id));
    return {
      defaultSecurityRules: defaultRules(nsg),
      etag: etag(),
      id: nsg.id,
      location: nsg.location,
      name: nsg.name,
      ...(nicRefs.length ? { networkInterfaces: nicRefs } : {}),
      provisioningState: 'Succeeded',
      resourceGroup: nsg.resourceGroup,
      resourceGuid: a.uuid(),
      securityRules: rules,
      ...(subnetRefs.length ? { subnets: subnetRefs } : {}),
      tags: nsg.tags,
      type: nsg.type,
    };
  });
  const newPublicIp = publicIpAllocator(a);
  const loadBalancer = ofType('Microsoft.Network/loadBalancers')[0];
  const publicIpList = ofType('Microsoft.Network/publicIPAddresses').map(
    pip => {
      // The jump host's NIC still holds the bastion IP; the AKS load balancer
      // its frontend; the legacy VPN address is associated with nothing.
      const holder = nics.find(
        nic => nic.ipConfigurations[0].publicIPAddress?.id === pip.id,
      );
      const configuration = holder
        ? holder.ipConfigurations[0].id
        : pip.name.startsWith('kubernetes-') && loadBalancer
        ? `${loadBalancer.id}/frontendIPConfigurations/${pip.name.replace(
            /^kubernetes-/,
            '',
          )}`
        : undefined;
      return {
        ddosSettings: { protectionMode: 'VirtualNetworkInherited' },
        etag: etag(),
        id: pip.id,
        idleTimeoutInMinutes: 4,
        ipAddress: newPublicIp(),
        ...(configuration
          ? {
              ipConfiguration: {
                id: configuration,
                resourceGroup: configuration.split('/')[4],
              },
            }
          : {}),
        ipTags: [],
        location: pip.location,
        name: pip.name,
        provisioningState: 'Succeeded',
        publicIPAddressVersion: 'IPv4',
        publicIPAllocationMethod: 'Static',
        resourceGroup: pip.resourceGroup,
        resourceGuid: a.uuid(),
        sku: pip.sku,
        tags: pip.tags,
        type: pip.type,
      };
    },
  );
  const sqlServerList = ofType('Microsoft.Sql/servers').map(server => {
    const endpoint = endpoints.find(e =>
      e.privateLinkServiceConnections.some(
        c => c.privateLinkServiceId === server.id,
      ),
    );
    return {
      administratorLogin: 'sqladmin',
      administrators: null,
      externalGovernanceStatus: 'Disabled',
      federatedClientId: null,
      fullyQualifiedDomainName: `${server.name}.database.windows.net`,
      id: server.id,
      identity: null,
      keyId: null,
      kind: server.kind,
      location: server.location,
      minimalTlsVersion: '1.2',
      name: server.name,
      primaryUserAssignedIdentityId: null,
      privateEndpointConnections: endpoint
        ? [
            {
              id: `${server.id}/privateEndpointConnections/${
                endpoint.name
              }-${a.hex(8)}`,
              properties: {
                groupIds: ['sqlServer'],
                privateEndpoint: {
                  id: endpoint.id,
                  resourceGroup: endpoint.resourceGroup,
                },
                privateLinkServiceConnectionState: {
                  actionsRequired: 'None',
                  description: 'Auto-Approved',
                  status: 'Approved',
                },
                provisioningState: 'Ready',
              },
              resourceGroup: server.resourceGroup,
            },
          ]
        : [],
      // Production only takes traffic through its private endpoint; the
      // staging server was left open to the Internet as well.
      publicNetworkAccess: env === 'prod' ? 'Disabled' : 'Enabled',
      resourceGroup: server.resourceGroup,
      restrictOutboundNetworkAccess: 'Disabled',
      state: 'Ready',
      tags: server.tags,
      type: server.type,
      version: '12.0',
      workspaceFeature: null,
    };
  });

  return {
    dir: subId,
    files: {
      'resources.json': resources,
      'groups.json': groups,
      'vms.json': vmList,
      'nics.json': nics,
      'vnets.json': vnetList,
      'private-endpoints.json': endpoints,
      'nsgs.json': nsgList,
      'public-ips.json': publicIpList,
      'sql-servers.json': sqlServerList,
    },
  };
}

// ---------------------------------------------------------------------------
// GCP: gcloud asset search-all-resources per project, with versionedResources
// ---------------------------------------------------------------------------

function buildGcpProject(cfg) {
  const r = stream(`gcp/${cfg.id}`);
  const env = cfg.env;
  const number = r.digits(12);
  const org = stream('gcp/org');
  const organization = `organizations/${org.digits(12)}`;
  const folder = `folders/${cfg.folder}`;
  const projectName = `//cloudresourcemanager.googleapis.com/projects/${cfg.id}`;
  const region = 'europe-west1';
  const zones = ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'];
  const assets = [];
  const api = 'https://www.googleapis.com/compute/v1';

  const asset = (fields, who, opts = {}) => {
    const labels =
      opts.labels ?? (who ? ownershipTags(r, who, env, opts.force) : {});
    const created = r.daysAgo(opts.minAge ?? 20, opts.maxAge ?? 650);
    const entry = {
      ...fields,
      createTime: zTime(created),
      folders: [folder],
      ...(Object.keys(labels).length ? { labels } : {}),
      organization,
      parentAssetType:
        opts.parentAssetType ?? 'cloudresourcemanager.googleapis.com/Project',
      parentFullResourceName: opts.parent ?? projectName,
      project: `projects/${number}`,
      updateTime: zTime(
        new Date(
          Math.min(SNAPSHOT, created.getTime() + r.int(0, 90) * 86400000),
        ),
      ),
    };
    assets.push(entry);
    return entry;
  };
  const compute = path => `//compute.googleapis.com/projects/${cfg.id}/${path}`;
  /**
   * `versionedResources`, with `--read-mask` naming them: the resource as its
   * own API returns it (a plausible subset). Ids come from a stream of their
   * own, so the other values stay as they were before these were added.
   */
  const v = stream(`gcp/${cfg.id}/versioned`);
  const versioned = (version, resource) => [{ resource, version }];

  // The project itself
  asset(
    {
      additionalAttributes: { projectId: cfg.id },
      assetType: 'cloudresourcemanager.googleapis.com/Project',
      displayName: cfg.id,
      location: 'global',
      name: projectName,
      state: 'ACTIVE',
    },
    null,
    {
      labels: ownershipTags(
        r,
        { system: 'data-platform', owner: 'data-team' },
        env,
        'tagged',
      ),
      parent: `//cloudresourcemanager.googleapis.com/${folder}`,
      parentAssetType: 'cloudresourcemanager.googleapis.com/Folder',
      minAge: 900,
      maxAge: 1000,
    },
  );

  // Networking: VPC networks, subnetworks and firewall rules cannot carry labels.
  const network = `vpc-${env}`;
  const networkUrl = `${api}/projects/${cfg.id}/global/networks/${network}`;
  asset(
    {
      additionalAttributes: {
        autoCreateSubnetworks: false,
        routingMode: 'REGIONAL',
      },
      assetType: 'compute.googleapis.com/Network',
      description: 'Shared VPC for the data platform, managed by platform-team',
      displayName: network,
      location: 'global',
      name: compute(`global/networks/${network}`),
    },
    null,
    { minAge: 800, maxAge: 900 },
  );
  const subnetworks = {};
  cfg.subnets.forEach(([name, cidr]) => {
    subnetworks[
      name
    ] = `${api}/projects/${cfg.id}/regions/${region}/subnetworks/${name}`;
    asset(
      {
        additionalAttributes: { ipCidrRange: cidr, network: networkUrl },
        assetType: 'compute.googleapis.com/Subnetwork',
        displayName: name,
        location: region,
        name: compute(`regions/${region}/subnetworks/${name}`),
        versionedResources: versioned('v1', {
          gatewayAddress: cidr.replace(/\.0\/\d+$/, '.1'),
          id: v.digits(19),
          ipCidrRange: cidr,
          kind: 'compute#subnetwork',
          name,
          network: networkUrl,
          privateIpGoogleAccess: true,
          purpose: 'PRIVATE',
          region: `${api}/projects/${cfg.id}/regions/${region}`,
          selfLink: subnetworks[name],
          stackType: 'IPV4_ONLY',
        }),
      },
      null,
      { minAge: 700, maxAge: 800 },
    );
  });
  const firewalls = [
    [
      'allow-internal',
      'Internal traffic inside the VPC',
      [['all']],
      ['10.0.0.0/8'],
      [],
    ],
    [
      'allow-health-checks',
      'Google load balancer health checks',
      [['tcp', '80', '443', '8080']],
      ['35.191.0.0/16', '130.211.0.0/22'],
      [],
    ],
    [
      'allow-iap-ssh',
      'SSH through Identity-Aware Proxy',
      [['tcp', '22']],
      ['35.235.240.0/20'],
      ['ssh'],
    ],
  ];
  if (cfg.openSsh) {
    firewalls.push([
      'allow-ssh-anywhere',
      'temporary: vendor access, remove',
      [['tcp', '22']],
      ['0.0.0.0/0'],
      [],
    ]);
  }
  for (const [
    name,
    description,
    allowed,
    sourceRanges,
    targetTags,
  ] of firewalls) {
    asset(
      {
        additionalAttributes: {
          allowed: allowed.map(([IPProtocol, ...ports]) =>
            ports.length ? { IPProtocol, ports } : { IPProtocol },
          ),
          direction: 'INGRESS',
          network: networkUrl,
          priority: 1000,
          sourceRanges,
          ...(targetTags.length ? { targetTags } : {}),
        },
        assetType: 'compute.googleapis.com/Firewall',
        description,
        displayName: name,
        location: 'global',
        name: compute(`global/firewalls/${name}`),
      },
      null,
    );
  }

  // Instances and their disks
  const internalIps = new Set();
  const internalIp = prefix => {
    for (;;) {
      const ip = `${prefix}.${r.int(2, 250)}`;
      if (!internalIps.has(ip)) {
        internalIps.add(ip);
        return ip;
      }
    }
  };
  const instance = (name, who, machineType, subnet, opts = {}) => {
    const zone = opts.zone ?? r.pick(zones);
    const labels = opts.labels ?? ownershipTags(r, who, env, opts.force);
    const ip = internalIp(
      cfg.subnets.find(([n]) => n === subnet)[1].replace(/\.0\/\d+$/, ''),
    );
    const diskName = compute(`zones/${zone}/disks/${name}`);
    const zoneUrl = `${api}/projects/${cfg.id}/zones/${zone}`;
    const attachedDisk = (index, diskUrl, sizeGb) => ({
      autoDelete: index === 0,
      boot: index === 0,
      deviceName: index === 0 ? 'persistent-disk-0' : 'data',
      diskSizeGb: String(sizeGb),
      index,
      interface: 'SCSI',
      kind: 'compute#attachedDisk',
      mode: 'READ_WRITE',
      source: diskUrl,
      type: 'PERSISTENT',
    });
    asset(
      {
        additionalAttributes: {
          externalIPs: opts.externalIp ? [opts.externalIp] : [],
          internalIPs: [ip],
          machineType: `${api}/projects/${cfg.id}/zones/${zone}/machineTypes/${machineType}`,
          networkInterfaceNetworks: [networkUrl],
          networkInterfaceSubnetworks: [subnetworks[subnet]],
        },
        assetType: 'compute.googleapis.com/Instance',
        displayName: name,
        location: zone,
        name: compute(`zones/${zone}/instances/${name}`),
        ...(opts.networkTags ? { networkTags: opts.networkTags } : {}),
        state: opts.stopped ? 'TERMINATED' : 'RUNNING',
        versionedResources: versioned('v1', {
          canIpForward: false,
          deletionProtection: false,
          disks: [
            attachedDisk(0, `${zoneUrl}/disks/${name}`, opts.bootGb ?? 50),
            ...(opts.dataGb
              ? [attachedDisk(1, `${zoneUrl}/disks/${name}-data`, opts.dataGb)]
              : []),
          ],
          id: v.digits(19),
          kind: 'compute#instance',
          ...(Object.keys(labels).length ? { labels } : {}),
          machineType: `${zoneUrl}/machineTypes/${machineType}`,
          name,
          networkInterfaces: [
            {
              kind: 'compute#networkInterface',
              name: 'nic0',
              network: networkUrl,
              networkIP: ip,
              stackType: 'IPV4_ONLY',
              subnetwork: subnetworks[subnet],
            },
          ],
          selfLink: `${zoneUrl}/instances/${name}`,
          status: opts.stopped ? 'TERMINATED' : 'RUNNING',
          ...(opts.networkTags ? { tags: { items: opts.networkTags } } : {}),
          zone: zoneUrl,
        }),
      },
      who,
      { labels, minAge: opts.minAge, maxAge: opts.maxAge },
    );
    asset(
      {
        additionalAttributes: {
          sizeGb: String(opts.bootGb ?? 50),
          type: `${api}/projects/${cfg.id}/zones/${zone}/diskTypes/pd-balanced`,
          users: [`${api}/projects/${cfg.id}/zones/${zone}/instances/${name}`],
        },
        assetType: 'compute.googleapis.com/Disk',
        displayName: name,
        location: zone,
        name: diskName,
        state: 'READY',
      },
      who,
      { labels },
    );
    if (opts.dataGb) {
      asset(
        {
          additionalAttributes: {
            sizeGb: String(opts.dataGb),
            type: `${api}/projects/${cfg.id}/zones/${zone}/diskTypes/pd-ssd`,
            users: [
              `${api}/projects/${cfg.id}/zones/${zone}/instances/${name}`,
            ],
          },
          assetType: 'compute.googleapis.com/Disk',
          displayName: `${name}-data`,
          location: zone,
          name: compute(`zones/${zone}/disks/${name}-data`),
          state: 'READY',
        },
        who,
        { labels },
      );
    }
  };
  for (const [component, count, machineType, subnet, dataGb] of cfg.instances) {
    for (let n = 1; n <= count; n++) {
      instance(`${component}-${env}-${n}`, component, machineType, subnet, {
        dataGb,
        networkTags: ['ssh'],
        stopped: (cfg.stopped ?? []).includes(`${component}-${env}-${n}`),
      });
    }
  }

  // GKE: the cluster, its node pool and the nodes it created
  const cluster = `gke-data-${env}`;
  const clusterName = `//container.googleapis.com/projects/${cfg.id}/locations/${region}/clusters/${cluster}`;
  const gkeLabels = ownershipTags(r, SHARED, env, 'tagged');
  asset(
    {
      additionalAttributes: {
        currentMasterVersion: '1.30.5-gke.1014001',
        currentNodeCount: cfg.gkeNodes,
      },
      assetType: 'container.googleapis.com/Cluster',
      displayName: cluster,
      location: region,
      name: clusterName,
      state: 'RUNNING',
      versionedResources: versioned('v1', {
        currentMasterVersion: '1.30.5-gke.1014001',
        currentNodeCount: cfg.gkeNodes,
        ipAllocationPolicy: { useIpAliases: true },
        location: region,
        name: cluster,
        // Names only; networkConfig has the paths.
        network,
        networkConfig: {
          datapathProvider: 'ADVANCED_DATAPATH',
          network: `projects/${cfg.id}/global/networks/${network}`,
          subnetwork: `projects/${cfg.id}/regions/${region}/subnetworks/${cfg.subnets[1][0]}`,
        },
        resourceLabels: gkeLabels,
        selfLink: `https://container.googleapis.com/v1/projects/${cfg.id}/locations/${region}/clusters/${cluster}`,
        status: 'RUNNING',
        subnetwork: cfg.subnets[1][0],
      }),
    },
    null,
    { labels: gkeLabels, minAge: 400, maxAge: 500 },
  );
  asset(
    {
      additionalAttributes: {
        machineType: 'e2-standard-8',
        nodeCount: cfg.gkeNodes,
      },
      assetType: 'container.googleapis.com/NodePool',
      displayName: 'default-pool',
      location: region,
      name: `${clusterName}/nodePools/default-pool`,
      state: 'RUNNING',
    },
    null,
    {
      labels: {},
      parent: clusterName,
      parentAssetType: 'container.googleapis.com/Cluster',
      minAge: 400,
      maxAge: 500,
    },
  );
  const poolHash = r.hex(8);
  for (let n = 0; n < cfg.gkeNodes; n++) {
    instance(
      `gke-${cluster}-default-pool-${poolHash}-${r.alnum(
        4,
        'abcdefghijklmnopqrstuvwxyz0123456789',
      )}`,
      null,
      'e2-standard-8',
      cfg.subnets[1][0],
      {
        zone: zones[n % zones.length],
        bootGb: 100,
        labels: {
          ...gkeLabels,
          'goog-gke-node': '',
          'goog-k8s-cluster-name': cluster,
          'goog-k8s-node-pool-name': 'default-pool',
        },
        networkTags: [`gke-${cluster}-${poolHash}-node`],
      },
    );
  }

  // Idle: a stopped-and-forgotten VM's leftover disk and a reserved address
  asset(
    {
      additionalAttributes: {
        sizeGb: '500',
        type: `${api}/projects/${cfg.id}/zones/${zones[0]}/diskTypes/pd-standard`,
        users: [],
      },
      assetType: 'compute.googleapis.com/Disk',
      displayName: `analytics-scratch-${env}-old`,
      location: zones[0],
      name: compute(`zones/${zones[0]}/disks/analytics-scratch-${env}-old`),
      state: 'READY',
    },
    'analytics-warehouse',
    {
      // Prod: labelled with its component but nobody's.
      force: env === 'prod' ? 'ownerless' : undefined,
      minAge: 300,
      maxAge: 400,
    },
  );
  if (env === 'prod') {
    asset(
      {
        additionalAttributes: {
          address: '203.0.113.80',
          addressType: 'EXTERNAL',
          users: [],
        },
        assetType: 'compute.googleapis.com/Address',
        displayName: 'legacy-etl-ip',
        location: region,
        name: compute(`regions/${region}/addresses/legacy-etl-ip`),
        state: 'RESERVED',
      },
      null,
      { labels: { owner: 'growth-team', environment: env } },
    );
    asset(
      {
        additionalAttributes: {
          address: '203.0.113.81',
          addressType: 'EXTERNAL',
        },
        assetType: 'compute.googleapis.com/Address',
        displayName: 'reporting-dashboard-ip',
        location: region,
        name: compute(`regions/${region}/addresses/reporting-dashboard-ip`),
        state: 'IN_USE',
      },
      'reporting-dashboard',
    );
  }

  // Cloud SQL, on a private IP in the VPC; staging also got a public IPv4
  // address "for a quick test" that nobody turned off.
  const tier = env === 'prod' ? 'db-custom-4-16384' : 'db-g1-small';
  const sqlPublic = env !== 'prod';
  const sqlPrivateIp = `${cfg.subnets[0][1]
    .split('.')
    .slice(0, 2)
    .join('.')}.250.3`;
  asset(
    {
      additionalAttributes: {
        databaseVersion: 'POSTGRES_15',
        tier,
      },
      assetType: 'sqladmin.googleapis.com/Instance',
      displayName: `reporting-pg-${env}`,
      location: region,
      name: `//cloudsql.googleapis.com/projects/${cfg.id}/instances/reporting-pg-${env}`,
      state: 'RUNNABLE',
      versionedResources: versioned('v1beta4', {
        backendType: 'SECOND_GEN',
        connectionName: `${cfg.id}:${region}:reporting-pg-${env}`,
        databaseVersion: 'POSTGRES_15',
        instanceType: 'CLOUD_SQL_INSTANCE',
        ipAddresses: [
          ...(sqlPublic
            ? [{ ipAddress: '198.51.100.90', type: 'PRIMARY' }]
            : []),
          { ipAddress: sqlPrivateIp, type: 'PRIVATE' },
        ],
        kind: 'sql#instance',
        name: `reporting-pg-${env}`,
        project: cfg.id,
        region,
        selfLink: `https://sqladmin.googleapis.com/v1beta4/projects/${cfg.id}/instances/reporting-pg-${env}`,
        settings: {
          availabilityType: env === 'prod' ? 'REGIONAL' : 'ZONAL',
          ipConfiguration: {
            ...(sqlPublic ? { authorizedNetworks: [] } : {}),
            ipv4Enabled: sqlPublic,
            privateNetwork: `projects/${cfg.id}/global/networks/${network}`,
          },
          tier,
        },
        state: 'RUNNABLE',
      }),
    },
    'reporting-dashboard',
    { force: 'tagged' },
  );

  // Buckets
  for (const [suffix, who, location] of cfg.buckets) {
    const name = `${cfg.id}-${suffix}`;
    asset(
      {
        additionalAttributes: { storageClass: 'STANDARD' },
        assetType: 'storage.googleapis.com/Bucket',
        displayName: name,
        location,
        name: `//storage.googleapis.com/${name}`,
      },
      who,
      who ? {} : { labels: {} },
    );
  }

  // BigQuery datasets and tables
  for (const [dataset, who, tables] of cfg.datasets) {
    const datasetName = `//bigquery.googleapis.com/projects/${cfg.id}/datasets/${dataset}`;
    const labels = ownershipTags(r, who, env);
    asset(
      {
        assetType: 'bigquery.googleapis.com/Dataset',
        displayName: dataset,
        location: 'EU',
        name: datasetName,
      },
      who,
      { labels },
    );
    for (const table of tables) {
      asset(
        {
          assetType: 'bigquery.googleapis.com/Table',
          displayName: table,
          location: 'EU',
          name: `${datasetName}/tables/${table}`,
        },
        who,
        {
          labels,
          parent: datasetName,
          parentAssetType: 'bigquery.googleapis.com/Dataset',
        },
      );
    }
  }

  // Pub/Sub
  for (const [topic, who, subscriptions] of cfg.topics) {
    const topicName = `//pubsub.googleapis.com/projects/${cfg.id}/topics/${topic}`;
    asset(
      {
        assetType: 'pubsub.googleapis.com/Topic',
        displayName: topic,
        location: 'global',
        name: topicName,
      },
      who,
    );
    for (const [subscription, subWho] of subscriptions) {
      asset(
        {
          additionalAttributes: { topic: `projects/${cfg.id}/topics/${topic}` },
          assetType: 'pubsub.googleapis.com/Subscription',
          displayName: subscription,
          location: 'global',
          name: `//pubsub.googleapis.com/projects/${cfg.id}/subscriptions/${subscription}`,
        },
        subWho,
      );
    }
  }

  // Load balancers: forwarding rules and what they send traffic to. Target
  // proxies and backend services cannot carry labels.
  const regionUrl = `${api}/projects/${cfg.id}/regions/${region}`;
  const loadBalancers = [
    [
      'event-pipeline-ilb',
      'event-pipeline',
      'INTERNAL',
      internalIp(cfg.subnets[0][1].replace(/\.0\/\d+$/, '')),
      'backendServices',
      'compute.googleapis.com/RegionBackendService',
    ],
    ...(env === 'prod'
      ? [
          [
            'reporting-dashboard-https',
            'reporting-dashboard',
            'EXTERNAL_MANAGED',
            '203.0.113.81',
            'targetHttpsProxies',
            'compute.googleapis.com/RegionTargetHttpsProxy',
          ],
        ]
      : []),
  ];
  for (const [name, who, scheme, ip, collection, targetType] of loadBalancers) {
    const targetName =
      collection === 'backendServices' ? name : `${name}-proxy`;
    const targetUrl = `${regionUrl}/${collection}/${targetName}`;
    asset(
      {
        additionalAttributes: {
          IPAddress: ip,
          IPProtocol: 'TCP',
          loadBalancingScheme: scheme,
        },
        assetType: 'compute.googleapis.com/ForwardingRule',
        displayName: name,
        location: region,
        name: compute(`regions/${region}/forwardingRules/${name}`),
        versionedResources: versioned('v1', {
          IPAddress: ip,
          IPProtocol: 'TCP',
          [collection === 'backendServices' ? 'backendService' : 'target']:
            targetUrl,
          id: v.digits(19),
          kind: 'compute#forwardingRule',
          loadBalancingScheme: scheme,
          name,
          networkTier: 'PREMIUM',
          ...(scheme === 'INTERNAL'
            ? {
                network: networkUrl,
                ports: ['8080'],
                subnetwork: subnetworks[cfg.subnets[0][0]],
              }
            : { portRange: '443-443' }),
          region: regionUrl,
          selfLink: `${regionUrl}/forwardingRules/${name}`,
        }),
      },
      who,
      { minAge: 100, maxAge: 400 },
    );
    asset(
      {
        assetType: targetType,
        displayName: targetName,
        location: region,
        name: compute(`regions/${region}/${collection}/${targetName}`),
      },
      null,
      { labels: {}, minAge: 100, maxAge: 400 },
    );
  }

  return { dir: cfg.id, files: { 'assets.json': assets } };
}

const GCP_PROJECTS = [
  {
    id: 'data-platform-prod',
    env: 'prod',
    folder: '418273650912',
    subnets: [
      ['snet-data-prod-ew1', '10.40.0.0/20'],
      ['snet-gke-prod-ew1', '10.40.16.0/20'],
      ['snet-sql-prod-ew1', '10.40.32.0/24'],
    ],
    openSsh: true,
    instances: [
      ['event-pipeline', 3, 'n2-standard-4', 'snet-data-prod-ew1'],
      ['analytics-warehouse', 2, 'n2-highmem-8', 'snet-data-prod-ew1', 1000],
      ['reporting-dashboard', 1, 'e2-standard-4', 'snet-data-prod-ew1'],
    ],
    stopped: ['analytics-warehouse-prod-2'],
    gkeNodes: 3,
    buckets: [
      ['raw-events', 'event-pipeline', 'europe-west1'],
      ['curated', 'analytics-warehouse', 'EU'],
      ['exports', 'reporting-dashboard', 'EU'],
      ['tf-state', { system: 'platform', owner: 'platform-team' }, 'EU'],
      ['access-logs', 'observability-stack', 'europe-west1'],
      ['tmp-scratch-2023', null, 'europe-west1'],
    ],
    datasets: [
      ['raw_events', 'event-pipeline', ['orders', 'payments', 'clickstream']],
      [
        'analytics',
        'analytics-warehouse',
        ['daily_revenue', 'customer_ltv', 'funnel'],
      ],
      ['reporting', 'reporting-dashboard', ['kpi_snapshot']],
    ],
    topics: [
      [
        'order-events',
        'checkout-api',
        [
          ['order-events-to-bq', 'event-pipeline'],
          ['order-events-fraud', 'fraud-detector'],
        ],
      ],
      [
        'payment-events',
        'payments-api',
        [
          ['payment-events-to-bq', 'event-pipeline'],
          ['payment-events-ledger', 'ledger-service'],
        ],
      ],
      [
        'clickstream',
        'checkout-web',
        [['clickstream-to-bq', 'event-pipeline']],
      ],
      ['dead-letter', 'event-pipeline', []],
    ],
  },
  {
    id: 'data-platform-staging',
    env: 'staging',
    folder: '529384761023',
    subnets: [
      ['snet-data-stg-ew1', '10.140.0.0/20'],
      ['snet-gke-stg-ew1', '10.140.16.0/20'],
    ],
    openSsh: false,
    instances: [
      ['event-pipeline', 1, 'e2-standard-4', 'snet-data-stg-ew1'],
      ['analytics-warehouse', 1, 'e2-highmem-4', 'snet-data-stg-ew1', 200],
    ],
    stopped: ['analytics-warehouse-staging-1'],
    gkeNodes: 1,
    buckets: [
      ['raw-events', 'event-pipeline', 'europe-west1'],
      ['curated', 'analytics-warehouse', 'EU'],
    ],
    datasets: [
      ['raw_events', 'event-pipeline', ['orders', 'payments']],
      ['analytics', 'analytics-warehouse', ['daily_revenue']],
    ],
    topics: [
      [
        'order-events',
        'checkout-api',
        [['order-events-to-bq', 'event-pipeline']],
      ],
      [
        'payment-events',
        'payments-api',
        [['payment-events-to-bq', 'event-pipeline']],
      ],
    ],
  },
];

// ---------------------------------------------------------------------------
// Kubernetes: kubectl get namespaces,deployments,statefulsets,daemonsets,
// services,ingresses,persistentvolumeclaims -A -o json per cluster
// ---------------------------------------------------------------------------

const K8S_WORKLOADS = [
  // [namespace, name, component, kind, replicas, port, image, ingress host/path]
  [
    'checkout',
    'checkout-web',
    'checkout-web',
    'Deployment',
    3,
    8080,
    'checkout-web',
    ['shop', '/'],
  ],
  [
    'checkout',
    'checkout-api',
    'checkout-api',
    'Deployment',
    4,
    8080,
    'checkout-api',
    ['api', '/checkout'],
  ],
  [
    'checkout',
    'cart-service',
    'cart-service',
    'Deployment',
    3,
    8080,
    'cart-service',
    null,
  ],
  [
    'payments',
    'payments-api',
    'payments-api',
    'Deployment',
    3,
    8443,
    'payments-api',
    ['api', '/payments'],
  ],
  [
    'payments',
    'fraud-detector',
    'fraud-detector',
    'Deployment',
    2,
    8080,
    'fraud-detector',
    null,
  ],
  [
    'payments',
    'ledger-service',
    'ledger-service',
    'Deployment',
    2,
    8080,
    'ledger-service',
    null,
  ],
  [
    'payments',
    'ledger-postgres',
    'ledger-service',
    'StatefulSet',
    3,
    5432,
    'postgres',
    null,
  ],
  [
    'data',
    'event-pipeline',
    'event-pipeline',
    'Deployment',
    2,
    8080,
    'event-pipeline',
    null,
  ],
  [
    'data',
    'event-pipeline-kafka',
    'event-pipeline',
    'StatefulSet',
    3,
    9092,
    'kafka',
    null,
  ],
  [
    'data',
    'reporting-dashboard',
    'reporting-dashboard',
    'Deployment',
    2,
    3000,
    'reporting-dashboard',
    ['reports', '/'],
  ],
  [
    'ingress-nginx',
    'ingress-nginx-controller',
    'ingress-gateway',
    'Deployment',
    2,
    443,
    'ingress-nginx',
    null,
  ],
  [
    'observability',
    'prometheus',
    'observability-stack',
    'StatefulSet',
    2,
    9090,
    'prometheus',
    null,
  ],
  [
    'observability',
    'grafana',
    'observability-stack',
    'Deployment',
    1,
    3000,
    'grafana',
    ['grafana', '/'],
  ],
  [
    'observability',
    'node-exporter',
    'observability-stack',
    'DaemonSet',
    null,
    9100,
    'node-exporter',
    null,
  ],
  [
    'observability',
    'fluent-bit',
    'observability-stack',
    'DaemonSet',
    null,
    2020,
    'fluent-bit',
    null,
  ],
];
/**
 * Pod template volumes beyond the claim templates of the statefulsets:
 * claims the catalog links to, and config maps and secrets it never reads.
 */
const POD_VOLUMES = {
  grafana: [
    { name: 'storage', persistentVolumeClaim: { claimName: 'grafana' } },
    { configMap: { defaultMode: 420, name: 'grafana' }, name: 'config' },
  ],
  'reporting-dashboard': [
    {
      name: 'cache',
      persistentVolumeClaim: { claimName: 'reporting-dashboard-cache' },
    },
  ],
  prometheus: [
    {
      configMap: { defaultMode: 420, name: 'prometheus-config' },
      name: 'config',
    },
  ],
};
/** Workloads that read their database credentials from a Secret. */
const DATABASE_CLIENTS = new Set([
  'checkout-api',
  'payments-api',
  'ledger-service',
]);
const IMAGES = {
  postgres: 'docker.io/library/postgres:16.3',
  kafka: 'docker.io/bitnami/kafka:3.7.0',
  'ingress-nginx': 'registry.k8s.io/ingress-nginx/controller:v1.11.2',
  prometheus: 'quay.io/prometheus/prometheus:v2.53.1',
  grafana: 'docker.io/grafana/grafana:11.1.3',
  'node-exporter': 'quay.io/prometheus/node-exporter:v1.8.2',
  'fluent-bit': 'cr.fluentbit.io/fluent/fluent-bit:3.1.4',
};

/**
 * A Deployment none of whose pods ever became ready (a bad image, a crash
 * loop): no `availableReplicas` (the API leaves zero out), all of them
 * `unavailableReplicas`, and the rollout past its progress deadline. Draws
 * from the stream exactly as a healthy one's status does.
 */
function failingDeploymentStatus(name, replicas, updated, generation, r) {
  return {
    conditions: [
      {
        lastTransitionTime: updated,
        lastUpdateTime: updated,
        message: 'Deployment does not have minimum availability.',
        reason: 'MinimumReplicasUnavailable',
        status: 'False',
        type: 'Available',
      },
      {
        lastTransitionTime: updated,
        lastUpdateTime: updated,
        message: `ReplicaSet "${name}-${r.hex(10)}" has timed out progressing.`,
        reason: 'ProgressDeadlineExceeded',
        status: 'False',
        type: 'Progressing',
      },
    ],
    observedGeneration: generation,
    replicas,
    unavailableReplicas: replicas,
    updatedReplicas: replicas,
  };
}

function buildCluster(cfg) {
  const r = stream(`kubernetes/${cfg.name}`);
  const env = cfg.env;
  const items = {
    Namespace: [],
    Deployment: [],
    StatefulSet: [],
    DaemonSet: [],
    Service: [],
    Ingress: [],
    PersistentVolumeClaim: [],
  };
  /** The claims the workloads mount, created last: [namespace, name, labels, size]. */
  const claims = [];
  let rv = 1000000 + r.int(0, 100000);
  const nextRv = () => String((rv += r.int(1, 400)));
  const clusterCreated = r.daysAgo(400, 500);
  const lbHostname = `a${r.hex(31)}-${r.hex(16)}.elb.eu-west-1.amazonaws.com`;
  const meta = (name, namespace, labels, opts = {}) => {
    const created =
      opts.created ?? r.daysAgo(opts.minAge ?? 10, opts.maxAge ?? 380);
    return {
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
      creationTimestamp: zTime(
        created < clusterCreated ? clusterCreated : created,
      ),
      ...(opts.generation ? { generation: opts.generation } : {}),
      ...(Object.keys(labels).length ? { labels } : {}),
      name,
      ...(namespace ? { namespace } : {}),
      resourceVersion: nextRv(),
      uid: r.uuid(),
    };
  };

  // Namespaces
  const nsOwners = {
    checkout: { system: 'checkout', owner: 'checkout-team' },
    payments: { system: 'payments', owner: 'payments-team' },
    data: { system: 'data-platform', owner: 'data-team' },
    'ingress-nginx': 'ingress-gateway',
    observability: 'observability-stack',
  };
  const namespaces = [
    'default',
    'kube-node-lease',
    'kube-public',
    'kube-system',
    ...Object.keys(nsOwners),
  ];
  if (cfg.ghostNamespace) namespaces.push(cfg.ghostNamespace);
  for (const ns of namespaces.sort()) {
    let labels = {};
    if (nsOwners[ns]) labels = ownershipTags(r, nsOwners[ns], env, 'tagged');
    if (ns === cfg.ghostNamespace)
      labels = ownershipTags(r, null, env, 'ghost');
    items.Namespace.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(
        ns,
        null,
        { ...labels, 'kubernetes.io/metadata.name': ns },
        {
          created:
            ns.startsWith('kube') || ns === 'default'
              ? clusterCreated
              : undefined,
        },
      ),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  const ingresses = {};
  const addWorkload = (
    ns,
    name,
    component,
    kind,
    replicas,
    port,
    image,
    ingress,
    opts = {},
  ) => {
    const selector = {
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/name': name,
    };
    const ownership =
      opts.labels ?? ownershipTags(r, component, env, opts.force);
    const labels = {
      ...selector,
      ...(component
        ? {
            'app.kubernetes.io/part-of':
              COMPONENTS[component]?.system ?? component,
          }
        : {}),
      ...(component || opts.kubernetesId
        ? { 'backstage.io/kubernetes-id': component ?? opts.kubernetesId }
        : {}),
      ...ownership,
    };
    const version = `${r.int(1, 4)}.${r.int(0, 30)}.${r.int(0, 9)}`;
    const img =
      IMAGES[image] ??
      `europe-docker.pkg.dev/acme-artifacts/apps/${image}:${version}`;
    const generation = r.int(1, 40);
    const container = {
      image: img,
      imagePullPolicy: 'IfNotPresent',
      name: image === 'ingress-nginx' ? 'controller' : image,
      ports: [
        {
          containerPort: port,
          name: port === 443 ? 'https' : 'http',
          protocol: 'TCP',
        },
      ],
      resources: {
        limits: { memory: `${r.pick([256, 512, 1024, 2048])}Mi` },
        requests: {
          cpu: `${r.pick([100, 250, 500])}m`,
          memory: `${r.pick([128, 256, 512])}Mi`,
        },
      },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    };
    if (DATABASE_CLIENTS.has(name)) {
      container.envFrom = [{ secretRef: { name: `${name}-db` } }];
    }
    const volumes = POD_VOLUMES[name] ?? [];
    const volumeMounts = [
      ...volumes.map(volume => ({
        mountPath: `/var/lib/${name}/${volume.name}`,
        name: volume.name,
      })),
      ...(kind === 'StatefulSet'
        ? [{ mountPath: `/var/lib/${name}/data`, name: 'data' }]
        : []),
    ];
    if (volumeMounts.length) container.volumeMounts = volumeMounts;
    for (const volume of volumes) {
      const claimName = volume.persistentVolumeClaim?.claimName;
      if (claimName) claims.push([ns, claimName, labels, '10Gi']);
    }
    const template = {
      metadata: { creationTimestamp: null, labels },
      spec: {
        containers: [container],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
        ...(volumes.length ? { volumes } : {}),
      },
    };
    const wanted = kind === 'DaemonSet' ? cfg.nodes : replicas;
    const ready = opts.ready ?? wanted;
    let spec;
    let status;
    if (kind === 'Deployment') {
      spec = {
        progressDeadlineSeconds: 600,
        replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: selector },
        strategy: {
          rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
          type: 'RollingUpdate',
        },
        template,
      };
      const updated = zTime(r.daysAgo(0.1, 9));
      status = replicas
        ? opts.failing
          ? failingDeploymentStatus(name, replicas, updated, generation, r)
          : {
              availableReplicas: ready,
              conditions: [
                {
                  lastTransitionTime: updated,
                  lastUpdateTime: updated,
                  message: `Deployment has minimum availability.`,
                  reason: 'MinimumReplicasAvailable',
                  status: 'True',
                  type: 'Available',
                },
                {
                  lastTransitionTime: updated,
                  lastUpdateTime: updated,
                  message: `ReplicaSet "${name}-${r.hex(
                    10,
                  )}" has successfully progressed.`,
                  reason: 'NewReplicaSetAvailable',
                  status: 'True',
                  type: 'Progressing',
                },
              ],
              observedGeneration: generation,
              readyReplicas: ready,
              replicas,
              updatedReplicas: replicas,
            }
        : { observedGeneration: generation };
    } else if (kind === 'StatefulSet') {
      const storage = `${r.pick([20, 50, 100])}Gi`;
      // The claims the statefulset controller made from the template, with
      // the selector's labels: data-<name>-<ordinal>.
      for (let ordinal = 0; ordinal < replicas; ordinal++) {
        claims.push([ns, `data-${name}-${ordinal}`, selector, storage]);
      }
      spec = {
        persistentVolumeClaimRetentionPolicy: {
          whenDeleted: 'Retain',
          whenScaled: 'Retain',
        },
        podManagementPolicy: 'OrderedReady',
        replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: selector },
        serviceName: `${name}-headless`,
        template,
        updateStrategy: {
          rollingUpdate: { partition: 0 },
          type: 'RollingUpdate',
        },
        volumeClaimTemplates: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { creationTimestamp: null, name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage } },
              volumeMode: 'Filesystem',
            },
            status: { phase: 'Pending' },
          },
        ],
      };
      const revision = `${name}-${r.hex(10)}`;
      status = {
        availableReplicas: ready,
        collisionCount: 0,
        currentReplicas: replicas,
        currentRevision: revision,
        observedGeneration: generation,
        readyReplicas: ready,
        replicas,
        updateRevision: revision,
        updatedReplicas: replicas,
      };
    } else {
      spec = {
        revisionHistoryLimit: 10,
        selector: { matchLabels: selector },
        template,
        updateStrategy: {
          rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
          type: 'RollingUpdate',
        },
      };
      status = {
        currentNumberScheduled: wanted,
        desiredNumberScheduled: wanted,
        numberAvailable: ready,
        numberMisscheduled: 0,
        numberReady: ready,
        observedGeneration: generation,
        updatedNumberScheduled: wanted,
      };
    }
    items[kind].push({
      apiVersion: 'apps/v1',
      kind,
      metadata: meta(name, ns, labels, {
        generation,
        annotations:
          kind === 'Deployment'
            ? {
                'deployment.kubernetes.io/revision': String(
                  r.int(1, generation),
                ),
              }
            : undefined,
      }),
      spec,
      status,
    });

    // Service
    const serviceLabels = { ...labels };
    const lb = image === 'ingress-nginx';
    const clusterIP = `172.20.${r.int(0, 255)}.${r.int(1, 254)}`;
    const servicePort = port === 443 || port === 8443 ? 443 : 80;
    const ports = lb
      ? [
          {
            appProtocol: 'http',
            name: 'http',
            nodePort: r.int(30000, 32767),
            port: 80,
            protocol: 'TCP',
            targetPort: 'http',
          },
          {
            appProtocol: 'https',
            name: 'https',
            nodePort: r.int(30000, 32767),
            port: 443,
            protocol: 'TCP',
            targetPort: 'https',
          },
        ]
      : [
          {
            name: 'http',
            port: servicePort,
            protocol: 'TCP',
            targetPort: port,
          },
        ];
    items.Service.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, ns, serviceLabels, {
        annotations: lb
          ? { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' }
          : undefined,
      }),
      spec: {
        ...(lb ? { allocateLoadBalancerNodePorts: true } : {}),
        clusterIP,
        clusterIPs: [clusterIP],
        ...(lb
          ? {
              externalTrafficPolicy: 'Local',
              healthCheckNodePort: r.int(30000, 32767),
            }
          : {}),
        internalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        ports,
        selector,
        sessionAffinity: 'None',
        type: lb ? 'LoadBalancer' : 'ClusterIP',
      },
      status: {
        loadBalancer: lb ? { ingress: [{ hostname: lbHostname }] } : {},
      },
    });
    if (kind === 'StatefulSet') {
      items.Service.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(`${name}-headless`, ns, serviceLabels),
        spec: {
          clusterIP: 'None',
          clusterIPs: ['None'],
          internalTrafficPolicy: 'Cluster',
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          ports: [{ name: 'tcp', port, protocol: 'TCP', targetPort: port }],
          publishNotReadyAddresses: true,
          selector,
          sessionAffinity: 'None',
          type: 'ClusterIP',
        },
        status: { loadBalancer: {} },
      });
    }

    if (ingress) {
      const [hostPrefix, path] = ingress;
      const domain = env === 'prod' ? 'example.com' : 'staging.example.com';
      const host =
        hostPrefix === 'grafana'
          ? `grafana.internal.${domain}`
          : `${hostPrefix}.${domain}`;
      const key = `${ns}/${hostPrefix}`;
      const rule = {
        path,
        pathType: 'Prefix',
        backend: { service: { name, port: { number: ports[0].port } } },
      };
      if (ingresses[key]) {
        ingresses[key].spec.rules[0].http.paths.push(rule);
      } else {
        const ingressName = hostPrefix === 'api' ? `${ns}-api` : name;
        ingresses[key] = {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: meta(
            ingressName,
            ns,
            { ...labels },
            {
              generation: r.int(1, 6),
              annotations: {
                'cert-manager.io/cluster-issuer': 'letsencrypt',
                'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
              },
            },
          ),
          spec: {
            ingressClassName: 'nginx',
            rules: [{ host, http: { paths: [rule] } }],
            tls: [{ hosts: [host], secretName: `${ingressName}-tls` }],
          },
          status: { loadBalancer: { ingress: [{ hostname: lbHostname }] } },
        };
        items.Ingress.push(ingresses[key]);
      }
    }
  };

  for (const [
    ns,
    name,
    component,
    kind,
    replicas,
    port,
    image,
    ingress,
  ] of K8S_WORKLOADS) {
    if (cfg.skip?.includes(name)) continue;
    const scaledDown = cfg.scaledToZero?.includes(name);
    const failing = cfg.failing?.includes(name);
    const count =
      kind === 'DaemonSet'
        ? null
        : scaledDown
        ? 0
        : Math.max(1, Math.ceil(replicas * cfg.scale));
    addWorkload(ns, name, component, kind, count, port, image, ingress, {
      ready: scaledDown || failing ? 0 : undefined,
      failing,
    });
  }
  if (cfg.ghostNamespace) {
    addWorkload(
      cfg.ghostNamespace,
      'promo-banner',
      null,
      'Deployment',
      1,
      8080,
      'promo-banner',
      null,
      {
        labels: ownershipTags(r, null, env, 'ghost'),
        // A component id nobody registered in the catalog.
        kubernetesId: 'promo-banner',
      },
    );
  }
  if (cfg.strayDebugPod) {
    // Somebody's debugging deployment that stayed: no ownership at all.
    addWorkload(
      'default',
      'debug-toolbox',
      null,
      'Deployment',
      1,
      8080,
      'debug-toolbox',
      null,
      {
        labels: {},
      },
    );
  }

  // kube-system, as the distribution ships it: no ownership labels.
  const kubeDnsSelector = { 'k8s-app': 'kube-dns' };
  items.Deployment.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(
      'coredns',
      'kube-system',
      {
        'eks.amazonaws.com/component': 'coredns',
        'k8s-app': 'kube-dns',
        'kubernetes.io/name': 'CoreDNS',
      },
      {
        created: clusterCreated,
        generation: 3,
        annotations: { 'deployment.kubernetes.io/revision': '2' },
      },
    ),
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 2,
      revisionHistoryLimit: 10,
      selector: {
        matchLabels: {
          'eks.amazonaws.com/component': 'coredns',
          'k8s-app': 'kube-dns',
        },
      },
      strategy: {
        rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 },
        type: 'RollingUpdate',
      },
      template: {
        metadata: {
          creationTimestamp: null,
          labels: {
            'eks.amazonaws.com/component': 'coredns',
            'k8s-app': 'kube-dns',
          },
        },
        spec: {
          containers: [
            {
              image:
                '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.1-eksbuild.9',
              name: 'coredns',
              ports: [
                { containerPort: 53, name: 'dns', protocol: 'UDP' },
                { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
              ],
            },
          ],
          dnsPolicy: 'Default',
          priorityClassName: 'system-cluster-critical',
          restartPolicy: 'Always',
          serviceAccountName: 'coredns',
        },
      },
    },
    status: {
      availableReplicas: 2,
      observedGeneration: 3,
      readyReplicas: 2,
      replicas: 2,
      updatedReplicas: 2,
    },
  });
  items.DaemonSet.push({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta(
      'kube-proxy',
      'kube-system',
      { 'eks.amazonaws.com/component': 'kube-proxy', 'k8s-app': 'kube-proxy' },
      { created: clusterCreated, generation: 2 },
    ),
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: {
        metadata: {
          creationTimestamp: null,
          labels: { 'k8s-app': 'kube-proxy' },
        },
        spec: {
          containers: [
            {
              image:
                '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.30.0-minimal-eksbuild.3',
              name: 'kube-proxy',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          restartPolicy: 'Always',
        },
      },
      updateStrategy: {
        rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' },
        type: 'RollingUpdate',
      },
    },
    status: {
      currentNumberScheduled: cfg.nodes,
      desiredNumberScheduled: cfg.nodes,
      numberAvailable: cfg.nodes,
      numberMisscheduled: 0,
      numberReady: cfg.nodes,
      observedGeneration: 2,
      updatedNumberScheduled: cfg.nodes,
    },
  });
  const dnsIp = '172.20.0.10';
  items.Service.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(
      'kube-dns',
      'kube-system',
      {
        'eks.amazonaws.com/component': 'kube-dns',
        'k8s-app': 'kube-dns',
        'kubernetes.io/cluster-service': 'true',
        'kubernetes.io/name': 'CoreDNS',
      },
      { created: clusterCreated },
    ),
    spec: {
      clusterIP: dnsIp,
      clusterIPs: [dnsIp],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
      selector: kubeDnsSelector,
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  });
  items.Service.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(
      'kubernetes',
      'default',
      { component: 'apiserver', provider: 'kubernetes' },
      { created: clusterCreated },
    ),
    spec: {
      clusterIP: '172.20.0.1',
      clusterIPs: ['172.20.0.1'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  });

  // The claims, bound to EBS volumes by the CSI driver.
  for (const [ns, name, labels, storage] of claims) {
    const metadata = meta(name, ns, labels, {
      annotations: {
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
        'volume.beta.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
        'volume.kubernetes.io/selected-node': `ip-10-0-${r.int(0, 63)}-${r.int(
          1,
          254,
        )}.eu-west-1.compute.internal`,
        'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
      },
    });
    items.PersistentVolumeClaim.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { ...metadata, finalizers: ['kubernetes.io/pvc-protection'] },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage } },
        storageClassName: 'gp3',
        volumeMode: 'Filesystem',
        volumeName: `pvc-${metadata.uid}`,
      },
      status: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage },
        phase: 'Bound',
      },
    });
  }

  // kubectl lists kind by kind in the order asked, each sorted by namespace and name.
  const byNsName = (a, b) =>
    (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
    a.metadata.name.localeCompare(b.metadata.name);
  const all = [
    'Namespace',
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'Service',
    'Ingress',
    'PersistentVolumeClaim',
  ].flatMap(kind => items[kind].sort(byNsName));
  return {
    dir: cfg.name,
    files: {
      'workloads.json': {
        apiVersion: 'v1',
        items: all,
        kind: 'List',
        metadata: { resourceVersion: '' },
      },
    },
  };
}

const CLUSTERS = [
  {
    name: 'prod-eu',
    env: 'prod',
    scale: 1,
    nodes: 6,
    ghostNamespace: 'growth-experiments',
  },
  {
    name: 'staging-eu',
    env: 'staging',
    scale: 0.34,
    nodes: 3,
    skip: ['fluent-bit'],
    scaledToZero: ['fraud-detector'],
    // A release that never came up: 0 of 2 replicas available.
    failing: ['cart-service'],
    strayDebugPod: true,
  },
];

// ---------------------------------------------------------------------------
// Output: Prettier-compatible JSON, key order as each CLI prints it
// ---------------------------------------------------------------------------

/** gcloud, az and kubectl print keys sorted; the AWS CLI keeps the API's order. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map(k => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

/**
 * JSON as Prettier prints it: non-empty objects always broken over lines,
 * arrays of scalars kept on one line when they fit in 80 columns.
 */
function toJson(value, indent = '', prefixWidth = 0, suffixWidth = 0) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const scalars = value.every(v => v === null || typeof v !== 'object');
    if (scalars) {
      const flat = `[${value.map(v => JSON.stringify(v)).join(', ')}]`;
      if (indent.length + prefixWidth + flat.length + suffixWidth <= 80)
        return flat;
    }
    const lines = value.map(
      (v, i) => inner + toJson(v, inner, 0, i < value.length - 1 ? 1 : 0),
    );
    return `[\n${lines.join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  const lines = keys.map((k, i) => {
    const key = `${JSON.stringify(k)}: `;
    return (
      inner +
      key +
      toJson(value[k], inner, key.length, i < keys.length - 1 ? 1 : 0)
    );
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

const written = [];
function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${toJson(value)}\n`);
  written.push(path);
}

// ---------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------

const counts = { aws: {}, azure: {}, gcp: {}, kubernetes: {} };
/**
 * [provider, kind, tags-as-object, builtIn] for every counted resource.
 * builtIn: created by the cloud or the distribution itself, or of a kind that
 * cannot carry labels, so "untagged" is not somebody's omission.
 */
const ledger = [];
function count(provider, kind, tags, builtIn = false) {
  counts[provider][kind] = (counts[provider][kind] ?? 0) + 1;
  ledger.push([provider, kind, tags ?? {}, builtIn]);
}
const GCP_UNLABELLABLE = new Set([
  'compute.googleapis.com/Network',
  'compute.googleapis.com/Subnetwork',
  'compute.googleapis.com/Firewall',
  'container.googleapis.com/NodePool',
  'compute.googleapis.com/RegionBackendService',
  'compute.googleapis.com/RegionTargetHttpsProxy',
]);
const isSystemNamespace = ns => ns === 'default' || ns.startsWith('kube-');
const fromAws = list =>
  Object.fromEntries((list ?? []).map(t => [t.Key, t.Value]));

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

for (const provider of ['aws', 'azure', 'gcp', 'kubernetes']) {
  rmSync(join(HERE, provider), { recursive: true, force: true });
}

const awsConfigItems = [];
for (const account of AWS_ACCOUNTS) {
  for (const cfg of account.regions) {
    const files = buildAwsRegion(account, cfg);
    const services = buildAwsServices(account, cfg, files);
    awsConfigItems.push(...services.items);
    if (services.tagMappings.length) {
      writeJson(
        join(HERE, 'aws', account.id, cfg.region, 'get-resources.json'),
        {
          ResourceTagMappingList: services.tagMappings,
        },
      );
      for (const m of services.tagMappings) {
        const service = m.ResourceARN.split(':')[2];
        count(
          'aws',
          { dynamodb: 'DynamoDBTable', sqs: 'SQSQueue', sns: 'SNSTopic' }[
            service
          ],
          fromAws(m.Tags),
        );
      }
    }
    for (const [file, body] of Object.entries(files)) {
      writeJson(join(HERE, 'aws', account.id, cfg.region, file), body);
    }
    for (const res of files['describe-instances.json'].Reservations) {
      for (const i of res.Instances) count('aws', 'Instance', fromAws(i.Tags));
    }
    for (const v of files['describe-vpcs.json'].Vpcs)
      count('aws', 'Vpc', fromAws(v.Tags));
    for (const s of files['describe-subnets.json'].Subnets)
      count('aws', 'Subnet', fromAws(s.Tags));
    for (const g of files['describe-security-groups.json'].SecurityGroups) {
      count('aws', 'SecurityGroup', fromAws(g.Tags), g.GroupName === 'default');
    }
    for (const v of files['describe-volumes.json'].Volumes)
      count('aws', 'Volume', fromAws(v.Tags));
    for (const e of files['describe-network-interfaces.json']
      .NetworkInterfaces) {
      count('aws', 'NetworkInterface', fromAws(e.TagSet), e.RequesterManaged);
    }
    for (const a of files['describe-addresses.json'].Addresses) {
      count('aws', 'Address', fromAws(a.Tags));
    }
    for (const n of files['describe-nat-gateways.json'].NatGateways) {
      count('aws', 'NatGateway', fromAws(n.Tags));
    }
  }
}

for (const account of AWS_ACCOUNTS) {
  awsConfigItems.push(...buildAwsBuckets(account));
}
// As the CLI prints a query of the types describe-* does not cover:
// aws configservice select-aggregate-resource-config
//   --configuration-aggregator-name <name>
//   --expression "SELECT *, tags, configuration, relationships WHERE resourceType IN (...)"
writeJson(join(HERE, 'aws', 'select-aggregate-resource-config.json'), {
  Results: awsConfigItems.map(i => JSON.stringify(i)),
  QueryInfo: {
    SelectFields: ['*', 'tags', 'configuration', 'relationships'].map(Name => ({
      Name,
    })),
  },
});
for (const i of awsConfigItems) {
  count(
    'aws',
    i.resourceType.split('::').slice(1).join(''),
    Object.fromEntries(i.tags.map(t => [t.key, t.value])),
  );
}

for (const sub of [
  { name: 'contoso-prod', env: 'prod' },
  { name: 'contoso-staging', env: 'staging' },
]) {
  const { dir, files } = buildAzureSubscription(sub);
  for (const [file, body] of Object.entries(files)) {
    writeJson(join(HERE, 'azure', dir, file), sortKeys(body));
  }
  for (const g of files['groups.json']) {
    count('azure', g.type, g.tags, g.name === 'NetworkWatcherRG');
  }
  // Subnets are not ARM resources of their own and cannot carry tags; the
  // catalog gets them from az network vnet list.
  for (const vnet of files['vnets.json']) {
    for (const subnet of vnet.subnets) count('azure', subnet.type, {}, true);
  }
  for (const res of files['resources.json']) {
    const builtIn =
      res.resourceGroup === 'NetworkWatcherRG' ||
      res.kind === 'v12.0,system' ||
      Boolean(res.tags?.['aks-managed-poolName']) ||
      // Created, untagged, by a private endpoint.
      /\.nic\.[0-9a-f-]+$/.test(res.name);
    count('azure', res.type, res.tags, builtIn);
  }
}

for (const project of GCP_PROJECTS) {
  const { dir, files } = buildGcpProject(project);
  writeJson(
    join(HERE, 'gcp', dir, 'assets.json'),
    sortKeys(files['assets.json']),
  );
  for (const a of files['assets.json']) {
    count('gcp', a.assetType, a.labels, GCP_UNLABELLABLE.has(a.assetType));
  }
}

for (const cluster of CLUSTERS) {
  const { dir, files } = buildCluster(cluster);
  writeJson(
    join(HERE, 'kubernetes', dir, 'workloads.json'),
    sortKeys(files['workloads.json']),
  );
  for (const item of files['workloads.json'].items) {
    const { name, namespace, labels } = item.metadata;
    const builtIn =
      (item.kind === 'Namespace' && isSystemNamespace(name)) ||
      namespace === 'kube-system' ||
      (namespace === 'default' && name === 'kubernetes') ||
      // Made by a statefulset controller, with the selector's labels only.
      (item.kind === 'PersistentVolumeClaim' && name.startsWith('data-'));
    count('kubernetes', item.kind, labels, builtIn);
  }
}

// ---------------------------------------------------------------------------
// Summary, printed and copied into README.md
// ---------------------------------------------------------------------------

const lines = [];
const total = ledger.length;
for (const provider of Object.keys(counts)) {
  const kinds = Object.entries(counts[provider]).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  const sum = kinds.reduce((n, [, c]) => n + c, 0);
  lines.push(`${provider.padEnd(52)} ${String(sum).padStart(4)}`);
  for (const [kind, c] of kinds)
    lines.push(`  ${kind.padEnd(50)} ${String(c).padStart(4)}`);
}
lines.push(`${'total'.padEnd(52)} ${String(total).padStart(4)}`);
const realTeams = new Set(Object.values(COMPONENTS).map(c => c.owner));
const ownerOf = tags => tags.owner ?? tags.team;
const untagged = ledger.filter(([, , t]) => !ownerOf(t)).length;
const untaggedBuiltIn = ledger.filter(([, , t, b]) => b && !ownerOf(t)).length;
const ghost = ledger.filter(
  ([, , t]) => ownerOf(t) && !realTeams.has(ownerOf(t)),
).length;
const pct = n => `${((100 * n) / total).toFixed(1)}%`;
lines.push('');
lines.push(
  `${'no owner/team tag'.padEnd(52)} ${String(untagged).padStart(4)}  (${pct(
    untagged,
  )})`,
);
lines.push(
  `${'  built in, or cannot carry labels'.padEnd(52)} ${String(
    untaggedBuiltIn,
  ).padStart(4)}  (${pct(untaggedBuiltIn)})`,
);
lines.push(
  `${'  left untagged by people'.padEnd(52)} ${String(
    untagged - untaggedBuiltIn,
  ).padStart(4)}  (${pct(untagged - untaggedBuiltIn)})`,
);
lines.push(
  `${'owner/team not in the catalog'.padEnd(52)} ${String(ghost).padStart(
    4,
  )}  (${pct(ghost)})`,
);
const noCostCenter = ledger.filter(
  ([, , t]) => realTeams.has(ownerOf(t)) && !t['cost-center'],
).length;
lines.push(
  `${'owner tag, but no cost-center tag'.padEnd(52)} ${String(
    noCostCenter,
  ).padStart(4)}  (${pct(noCostCenter)})`,
);
const summary = lines.join('\n');

console.log(
  `Wrote ${written.length} files under ${
    relative(process.cwd(), HERE) || '.'
  }:`,
);
for (const path of written) console.log(`  ${relative(HERE, path)}`);
console.log('');
console.log(summary);

const readmePath = join(HERE, 'README.md');
try {
  const readme = readFileSync(readmePath, 'utf8');
  const start = '<!-- counts:start -->';
  const end = '<!-- counts:end -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from !== -1 && to > from) {
    const block = `${start}\n\n\`\`\`text\n${summary}\n\`\`\`\n\n${end}`;
    const updated =
      readme.slice(0, from) + block + readme.slice(to + end.length);
    if (updated !== readme) writeFileSync(readmePath, updated);
  }
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
}
