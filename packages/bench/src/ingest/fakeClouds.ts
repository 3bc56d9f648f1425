/*
 * The cloud estate of the ingestion benchmark, GENERATED on the fly from the
 * page asked for, so a 100k resource estate costs no memory up front and
 * every run answers exactly the same bytes (the estate is a pure function of
 * its size). It is served by the wire-format fakes the module's tests use,
 * from its public `testUtils` entry point:
 *
 * - AWS EC2 + STS: Query protocol (form-encoded POST, XML answers), pages of
 *   up to `MaxResults` with `NextToken`.
 * - Azure Resource Manager: JSON over https, pages of 1000 with `nextLink`
 *   (`$skiptoken`), resources and resource groups; and the App Service
 *   managed identity endpoint `DefaultAzureCredential` takes its token from.
 * - GCP Cloud Asset: REST `GET /v1/{scope}:searchAllResources`, pages of
 *   `pageSize` (500 by default) with `nextPageToken`; and the Compute Engine
 *   metadata server Application Default Credentials take their token from.
 * - Kubernetes: list endpoints with `limit` and `continue`.
 */
import {
  armError,
  armListingPage,
  armListOf,
  armPage,
  ArmReply,
  ArmRequest,
  CloudAssetReply,
  CloudAssetRequest,
  decodeOffsetToken,
  describeRegionsAnswer,
  ec2Error,
  ec2ListingAnswer,
  encodeOffsetToken,
  FakeReply,
  getCallerIdentityAnswer,
  googleError,
  KubernetesEstate,
  readMasked,
  RecordedRequest,
  searchAnswer,
  ServerStats,
  startFakeArmServer,
  startFakeCloudAssetServer,
  startFakeEc2Server,
  startFakeGceMetadataServer,
  startFakeKubernetesApiServer,
  startFakeManagedIdentityServer,
  tagSet,
} from '@multicloud/plugin-catalog-backend-module-multicloud/testUtils';

// ---------------------------------------------------------------------------
// Deterministic helpers

/** A 32-bit integer hash (a bijection), so derived ids never collide. */
export function mix(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** `len` hex characters derived from (salt, index); unique per salt for len >= 8. */
function hexId(salt: number, index: number, len: number): string {
  let state = (Math.imul(salt, 0x9e3779b1) + index) | 0;
  let out = '';
  while (out.length < len) {
    state = mix(state + 0x6d2b79f5);
    out += state.toString(16).padStart(8, '0');
  }
  return out.slice(0, len);
}

function pick<T>(items: readonly T[], seed: number): T {
  return items[mix(seed) % items.length];
}

function isoDate(seed: number): string {
  const base = Date.UTC(2023, 0, 1);
  return new Date(base + (mix(seed) % (900 * 86400)) * 1000).toISOString();
}

function uuid(salt: number, index: number): string {
  const h = hexId(salt, index, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

/** Splits `total` into named parts by weight, each at least its minimum; the last part takes the rest. */
function split<K extends string>(
  total: number,
  parts: Array<[K, number, number]>,
): Record<K, number> {
  const result = {} as Record<K, number>;
  let used = 0;
  parts.forEach(([name, weight, min], index) => {
    if (index === parts.length - 1) {
      result[name] = Math.max(0, total - used);
      return;
    }
    const count = Math.min(
      Math.max(min, Math.floor(total * weight)),
      Math.max(0, total - used),
    );
    result[name] = count;
    used += count;
  });
  return result;
}

// ---------------------------------------------------------------------------
// Ownership: the tags / labels real estates carry

/** Teams that exist as catalog groups (`team-<name>`). */
export const TEAMS = [
  'payments',
  'checkout',
  'search',
  'platform',
  'data',
  'identity',
  'mobile',
  'growth',
  'ml',
  'infra',
  'security',
  'billing',
] as const;

const SYSTEM_SUFFIXES = ['api', 'core', 'pipeline', 'web', 'storage'];
const ENVS = ['prod', 'prod', 'staging', 'dev'];

type Ownership = {
  team: string;
  /** Owner tag value: a known group (various spellings), an unknown team, or none. */
  owner?: string;
  system?: string;
  component?: string;
  env: string;
  costCenter: string;
};

function ownership(seed: number, lowercaseOnly = false): Ownership {
  const team = pick(TEAMS, seed * 7 + 1);
  const roll = mix(seed * 13 + 5) % 100;
  let owner: string | undefined;
  if (roll < 78) {
    owner = `team-${team}`;
  } else if (roll < 86) {
    owner = lowercaseOnly
      ? `team-${team}`
      : `Team-${team[0].toUpperCase()}${team.slice(1)}`;
  } else if (roll < 90) {
    owner = lowercaseOnly
      ? `group-default-team-${team}`
      : `group:default/team-${team}`;
  } else if (roll < 95) {
    owner = 'contractor-ops';
  }
  const sysRoll = mix(seed * 17 + 3) % 100;
  let system: string | undefined;
  if (sysRoll < 85) {
    system = `${team}-${pick(SYSTEM_SUFFIXES, seed * 19)}`;
  } else if (sysRoll < 88 && !lowercaseOnly) {
    // Free text, as people write it: not usable as an entity name.
    system = `${team[0].toUpperCase()}${team.slice(1)} Platform`;
  }
  const component =
    mix(seed * 23 + 9) % 100 < 60
      ? `${team}-svc-${mix(seed * 29) % 40}`
      : undefined;
  return {
    team,
    owner,
    system,
    component,
    env: pick(ENVS, seed * 31),
    costCenter: `cc-${1000 + (mix(seed * 37) % 60)}`,
  };
}

function ownershipTags(
  o: Ownership,
  ownerKey = 'owner',
): Record<string, string> {
  const tags: Record<string, string> = {};
  if (o.owner) {
    tags[ownerKey] = o.owner;
  }
  if (o.system) {
    tags.system = o.system;
  }
  if (o.component) {
    tags.component = o.component;
  }
  tags.env = o.env;
  tags['cost-center'] = o.costCenter;
  return tags;
}

// ---------------------------------------------------------------------------
// Estate sizes

export type EstateSizes = {
  aws: number;
  azure: number;
  gcp: number;
  kubernetes: number;
};

/** N resources split evenly over the four clouds (the remainder goes to AWS). */
export function estateSizes(total: number): EstateSizes {
  const base = Math.floor(total / 4);
  return {
    aws: base + (total - 4 * base),
    azure: base,
    gcp: base,
    kubernetes: base,
  };
}

// ---------------------------------------------------------------------------
// AWS (EC2 + STS, Query protocol)

export const AWS_ACCOUNT = '411122223333';
export const AWS_REGIONS = ['us-east-1', 'eu-west-1'];

type AwsRegionWorld = {
  region: string;
  salt: number;
  counts: Record<
    'vpc' | 'subnet' | 'sg' | 'nat' | 'eip' | 'eni' | 'instance' | 'volume',
    number
  >;
};

function awsWorlds(total: number): AwsRegionWorld[] {
  const perRegion = [Math.ceil(total / 2), Math.floor(total / 2)];
  return AWS_REGIONS.map((region, r) => ({
    region,
    salt: 100 * (r + 1),
    counts: split(perRegion[r], [
      ['vpc', 0.005, 1],
      ['subnet', 0.03, 1],
      ['sg', 0.05, 1],
      ['nat', 0.004, 1],
      ['eip', 0.011, 1],
      ['eni', 0.1, 1],
      ['instance', 0.35, 1],
      ['volume', 1, 0],
    ]),
  }));
}

const AWS_SALT = {
  vpc: 1,
  subnet: 2,
  sg: 3,
  instance: 4,
  volume: 5,
  eni: 6,
  eip: 7,
  nat: 8,
  ami: 9,
  reservation: 10,
  attach: 11,
};

function awsId(
  w: AwsRegionWorld,
  kind: keyof typeof AWS_SALT,
  prefix: string,
  index: number,
): string {
  return `${prefix}-${hexId(w.salt + AWS_SALT[kind], index, 17)}`;
}

const ids = {
  vpc: (w: AwsRegionWorld, i: number) => awsId(w, 'vpc', 'vpc', i),
  subnet: (w: AwsRegionWorld, i: number) => awsId(w, 'subnet', 'subnet', i),
  sg: (w: AwsRegionWorld, i: number) => awsId(w, 'sg', 'sg', i),
  instance: (w: AwsRegionWorld, i: number) => awsId(w, 'instance', 'i', i),
  volume: (w: AwsRegionWorld, i: number) => awsId(w, 'volume', 'vol', i),
  eni: (w: AwsRegionWorld, i: number) => awsId(w, 'eni', 'eni', i),
  eip: (w: AwsRegionWorld, i: number) => awsId(w, 'eip', 'eipalloc', i),
  nat: (w: AwsRegionWorld, i: number) => awsId(w, 'nat', 'nat', i),
};

function ip(a: number, index: number): string {
  return `10.${a % 256}.${(index >> 8) & 255}.${index & 255}`;
}

function awsTags(
  w: AwsRegionWorld,
  kind: string,
  index: number,
  name: string | undefined,
): Record<string, string> {
  const seed = w.salt * 1_000_003 + index * 11 + kind.length;
  const o = ownership(seed);
  const tags: Record<string, string> = {};
  if (name) {
    tags.Name = name;
  }
  Object.assign(
    tags,
    ownershipTags(o, mix(seed) % 10 === 0 ? 'team' : 'owner'),
  );
  if (mix(seed + 1) % 5 === 0) {
    tags['aws:cloudformation:stack-name'] = `${o.team}-${kind}-stack`;
  }
  if (mix(seed + 2) % 4 === 0) {
    tags.ManagedBy = 'terraform';
  }
  return tags;
}

function vpcOfSubnet(w: AwsRegionWorld, s: number): number {
  return s % w.counts.vpc;
}

function azOf(w: AwsRegionWorld, index: number): string {
  return `${w.region}${'abc'[index % 3]}`;
}

function vpcXml(w: AwsRegionWorld, v: number): string {
  const tags = awsTags(w, 'vpc', v, `${pick(TEAMS, v)}-vpc-${v}`);
  return (
    `<vpcId>${ids.vpc(
      w,
      v,
    )}</vpcId><ownerId>${AWS_ACCOUNT}</ownerId><state>available</state>` +
    `<cidrBlock>10.${
      v % 256
    }.0.0/16</cidrBlock><cidrBlockAssociationSet><item>` +
    `<cidrBlock>10.${
      v % 256
    }.0.0/16</cidrBlock><associationId>vpc-cidr-assoc-${hexId(
      w.salt + 40,
      v,
      17,
    )}</associationId>` +
    `<cidrBlockState><state>associated</state></cidrBlockState></item></cidrBlockAssociationSet>` +
    `<dhcpOptionsId>dopt-${hexId(w.salt + 41, 0, 17)}</dhcpOptionsId>` +
    `<instanceTenancy>default</instanceTenancy><isDefault>false</isDefault>${tagSet(
      tags,
    )}`
  );
}

function subnetXml(w: AwsRegionWorld, s: number): string {
  const vpc = vpcOfSubnet(w, s);
  const id = ids.subnet(w, s);
  const tags = awsTags(
    w,
    'subnet',
    s,
    `${s % 2 ? 'private' : 'public'}-${azOf(w, s)}-${s}`,
  );
  return (
    `<subnetId>${id}</subnetId><subnetArn>arn:aws:ec2:${w.region}:${AWS_ACCOUNT}:subnet/${id}</subnetArn>` +
    `<state>available</state><ownerId>${AWS_ACCOUNT}</ownerId><vpcId>${ids.vpc(
      w,
      vpc,
    )}</vpcId>` +
    `<cidrBlock>10.${vpc % 256}.${
      s % 256
    }.0/24</cidrBlock><ipv6CidrBlockAssociationSet/>` +
    `<availableIpAddressCount>${
      200 + (mix(s) % 50)
    }</availableIpAddressCount>` +
    `<availabilityZone>${azOf(
      w,
      s,
    )}</availabilityZone><availabilityZoneId>use1-az${
      (s % 3) + 1
    }</availabilityZoneId>` +
    `<defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>${
      s % 2 ? 'false' : 'true'
    }</mapPublicIpOnLaunch>` +
    `<assignIpv6AddressOnCreation>false</assignIpv6AddressOnCreation>${tagSet(
      tags,
    )}` +
    `<privateDnsNameOptionsOnLaunch><hostnameType>ip-name</hostnameType>` +
    `<enableResourceNameDnsARecord>false</enableResourceNameDnsARecord></privateDnsNameOptionsOnLaunch>`
  );
}

function sgVpc(w: AwsRegionWorld, g: number): number {
  return g % w.counts.vpc;
}

function sgXml(w: AwsRegionWorld, g: number): string {
  const name = `${pick(TEAMS, g * 3)}-${pick(
    ['web', 'db', 'cache', 'worker', 'lb'],
    g,
  )}-${g}`;
  const tags = awsTags(w, 'sg', g, mix(g) % 3 === 0 ? undefined : name);
  const port = pick([443, 80, 5432, 6379, 8080], g);
  return (
    `<ownerId>${AWS_ACCOUNT}</ownerId><groupId>${ids.sg(
      w,
      g,
    )}</groupId><groupName>${name}</groupName>` +
    `<groupDescription>Security group for ${name}</groupDescription><vpcId>${ids.vpc(
      w,
      sgVpc(w, g),
    )}</vpcId>` +
    `<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>${port}</fromPort><toPort>${port}</toPort>` +
    `<groups/><ipRanges><item><cidrIp>10.0.0.0/8</cidrIp><description>internal</description></item></ipRanges>` +
    `<ipv6Ranges/><prefixListIds/></item></ipPermissions>` +
    `<ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>` +
    `<ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress>` +
    `<securityGroupArn>arn:aws:ec2:${
      w.region
    }:${AWS_ACCOUNT}:security-group/${ids.sg(w, g)}</securityGroupArn>${tagSet(
      tags,
    )}`
  );
}

/** Security groups of an instance: one or two of its VPC's groups. */
function instanceGroups(w: AwsRegionWorld, k: number, vpc: number): number[] {
  const { sg: nSg, vpc: nVpc } = w.counts;
  const perVpc = Math.floor(nSg / nVpc);
  if (perVpc < 1) {
    return [k % nSg];
  }
  const first = vpc + nVpc * (k % perVpc);
  const second = vpc + nVpc * ((k + 1) % perVpc);
  return k % 3 === 0 && second !== first ? [first, second] : [first];
}

function instanceXml(w: AwsRegionWorld, k: number): string {
  const subnet = k % w.counts.subnet;
  const vpc = vpcOfSubnet(w, subnet);
  const az = azOf(w, subnet);
  const id = ids.instance(w, k);
  const o = ownership(w.salt * 7 + k);
  const name =
    mix(k * 41) % 20 === 0
      ? undefined
      : `${o.team}-${pick(['web', 'api', 'worker', 'batch', 'db'], k)}-${k}`;
  const tags = awsTags(w, 'instance', k, name);
  const privateIp = ip(vpc, k);
  const state = mix(k * 43) % 10 === 0 ? ['80', 'stopped'] : ['16', 'running'];
  const groups = instanceGroups(w, k, vpc)
    .map(
      g =>
        `<item><groupId>${ids.sg(w, g)}</groupId><groupName>${pick(
          TEAMS,
          g * 3,
        )}-sg-${g}</groupName></item>`,
    )
    .join('');
  const rootVolume = k < w.counts.volume ? ids.volume(w, k) : ids.volume(w, 0);
  const eniId = `eni-${hexId(w.salt + 50, k, 17)}`;
  return (
    `<reservationId>r-${hexId(
      w.salt + AWS_SALT.reservation,
      k,
      17,
    )}</reservationId>` +
    `<ownerId>${AWS_ACCOUNT}</ownerId><groupSet/><instancesSet><item>` +
    `<instanceId>${id}</instanceId><imageId>ami-${hexId(
      w.salt + AWS_SALT.ami,
      k % 25,
      17,
    )}</imageId>` +
    `<instanceState><code>${state[0]}</code><name>${state[1]}</name></instanceState>` +
    `<privateDnsName>ip-${privateIp.replace(
      /\./g,
      '-',
    )}.ec2.internal</privateDnsName><dnsName/>` +
    `<reason/><keyName>ops-${o.team}</keyName><amiLaunchIndex>0</amiLaunchIndex><productCodes/>` +
    `<instanceType>${pick(
      ['t3.medium', 'm5.large', 'c6i.xlarge', 'r6g.large', 'm7i.2xlarge'],
      k,
    )}</instanceType>` +
    `<launchTime>${isoDate(k)}</launchTime>` +
    `<placement><availabilityZone>${az}</availabilityZone><groupName/><tenancy>default</tenancy></placement>` +
    `<monitoring><state>disabled</state></monitoring>` +
    `<subnetId>${ids.subnet(w, subnet)}</subnetId><vpcId>${ids.vpc(
      w,
      vpc,
    )}</vpcId>` +
    `<privateIpAddress>${privateIp}</privateIpAddress><sourceDestCheck>true</sourceDestCheck>` +
    `<groupSet>${groups}</groupSet><architecture>x86_64</architecture>` +
    `<rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>` +
    `<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>${rootVolume}</volumeId>` +
    `<status>attached</status><attachTime>${isoDate(
      k,
    )}</attachTime><deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>` +
    `<virtualizationType>hvm</virtualizationType><clientToken>terraform-${hexId(
      w.salt + 51,
      k,
      20,
    )}</clientToken>` +
    `${tagSet(tags)}<hypervisor>xen</hypervisor>` +
    `<networkInterfaceSet><item><networkInterfaceId>${eniId}</networkInterfaceId>` +
    `<subnetId>${ids.subnet(w, subnet)}</subnetId><vpcId>${ids.vpc(
      w,
      vpc,
    )}</vpcId><description/>` +
    `<ownerId>${AWS_ACCOUNT}</ownerId><status>in-use</status><macAddress>0e:${hexId(
      w.salt + 52,
      k,
      10,
    ).replace(/(..)(?!$)/g, '$1:')}</macAddress>` +
    `<privateIpAddress>${privateIp}</privateIpAddress><sourceDestCheck>true</sourceDestCheck>` +
    `<groupSet>${groups}</groupSet><attachment><attachmentId>eni-attach-${hexId(
      w.salt + 53,
      k,
      17,
    )}</attachmentId>` +
    `<deviceIndex>0</deviceIndex><status>attached</status><attachTime>${isoDate(
      k,
    )}</attachTime>` +
    `<deleteOnTermination>true</deleteOnTermination><networkCardIndex>0</networkCardIndex></attachment>` +
    `<privateIpAddressesSet><item><privateIpAddress>${privateIp}</privateIpAddress><primary>true</primary></item></privateIpAddressesSet>` +
    `<ipv6AddressesSet/><interfaceType>interface</interfaceType></item></networkInterfaceSet>` +
    `<ebsOptimized>false</ebsOptimized><enaSupport>true</enaSupport>` +
    `<cpuOptions><coreCount>1</coreCount><threadsPerCore>2</threadsPerCore></cpuOptions>` +
    `<capacityReservationSpecification><capacityReservationPreference>open</capacityReservationPreference></capacityReservationSpecification>` +
    `<hibernationOptions><configured>false</configured></hibernationOptions>` +
    `<metadataOptions><state>applied</state><httpTokens>required</httpTokens><httpPutResponseHopLimit>2</httpPutResponseHopLimit>` +
    `<httpEndpoint>enabled</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6><instanceMetadataTags>disabled</instanceMetadataTags></metadataOptions>` +
    `<enclaveOptions><enabled>false</enabled></enclaveOptions><platformDetails>Linux/UNIX</platformDetails>` +
    `<usageOperation>RunInstances</usageOperation><usageOperationUpdateTime>${isoDate(
      k,
    )}</usageOperationUpdateTime>` +
    `<privateDnsNameOptions><hostnameType>ip-name</hostnameType><enableResourceNameDnsARecord>false</enableResourceNameDnsARecord>` +
    `<enableResourceNameDnsAAAARecord>false</enableResourceNameDnsAAAARecord></privateDnsNameOptions>` +
    `<maintenanceOptions><autoRecovery>default</autoRecovery></maintenanceOptions><currentInstanceBootMode>legacy-bios</currentInstanceBootMode>` +
    `</item></instancesSet>`
  );
}

function volumeXml(w: AwsRegionWorld, v: number): string {
  const attached = v % 10 < 8;
  const instance = v % w.counts.instance;
  const az = azOf(w, instance % w.counts.subnet);
  const tags = awsTags(
    w,
    'volume',
    v,
    mix(v * 3) % 2 ? `${pick(TEAMS, v)}-data-${v}` : undefined,
  );
  const attachment = attached
    ? `<attachmentSet><item><volumeId>${ids.volume(
        w,
        v,
      )}</volumeId><instanceId>${ids.instance(w, instance)}</instanceId>` +
      `<device>${
        v < w.counts.instance ? '/dev/xvda' : '/dev/sdf'
      }</device><status>attached</status>` +
      `<attachTime>${isoDate(v)}</attachTime><deleteOnTermination>${
        v < w.counts.instance
      }</deleteOnTermination></item></attachmentSet>`
    : '<attachmentSet/>';
  return (
    `<volumeId>${ids.volume(w, v)}</volumeId><size>${pick(
      [8, 20, 50, 100, 500],
      v,
    )}</size>` +
    `<snapshotId>${
      v % 4 === 0 ? `snap-${hexId(w.salt + 60, v, 17)}` : ''
    }</snapshotId>` +
    `<availabilityZone>${az}</availabilityZone><status>${
      attached ? 'in-use' : 'available'
    }</status>` +
    `<createTime>${isoDate(v * 7)}</createTime>${attachment}${tagSet(tags)}` +
    `<volumeType>gp3</volumeType><iops>3000</iops><throughput>125</throughput><encrypted>true</encrypted>` +
    `<kmsKeyId>arn:aws:kms:${w.region}:${AWS_ACCOUNT}:key/${uuid(
      w.salt + 61,
      0,
    )}</kmsKeyId>` +
    `<multiAttachEnabled>false</multiAttachEnabled>`
  );
}

function eniXml(w: AwsRegionWorld, e: number): string {
  const subnet = e % w.counts.subnet;
  const vpc = vpcOfSubnet(w, subnet);
  const attached = e % 5 !== 0;
  const instance = e % w.counts.instance;
  const privateIp = ip(vpc + 128, e);
  const tags = awsTags(w, 'eni', e, undefined);
  const attachment = attached
    ? `<attachment><attachmentId>eni-attach-${hexId(
        w.salt + 71,
        e,
        17,
      )}</attachmentId>` +
      `<instanceId>${ids.instance(w, instance)}</instanceId>` +
      `<instanceOwnerId>${AWS_ACCOUNT}</instanceOwnerId><deviceIndex>1</deviceIndex><status>attached</status>` +
      `<attachTime>${isoDate(
        e,
      )}</attachTime><deleteOnTermination>false</deleteOnTermination></attachment>`
    : '';
  return (
    `<networkInterfaceId>${ids.eni(
      w,
      e,
    )}</networkInterfaceId><subnetId>${ids.subnet(w, subnet)}</subnetId>` +
    `<vpcId>${ids.vpc(w, vpc)}</vpcId><availabilityZone>${azOf(
      w,
      subnet,
    )}</availabilityZone>` +
    `<description>${
      attached ? 'Secondary interface' : 'ELB app/internal'
    }</description>` +
    `<ownerId>${AWS_ACCOUNT}</ownerId><requesterManaged>false</requesterManaged>` +
    `<status>${
      attached ? 'in-use' : 'available'
    }</status><macAddress>0a:${hexId(w.salt + 70, e, 10).replace(
      /(..)(?!$)/g,
      '$1:',
    )}</macAddress>` +
    `<privateIpAddress>${privateIp}</privateIpAddress><privateDnsName>ip-${privateIp.replace(
      /\./g,
      '-',
    )}.ec2.internal</privateDnsName>` +
    `<sourceDestCheck>true</sourceDestCheck><groupSet><item><groupId>${ids.sg(
      w,
      e % w.counts.sg,
    )}</groupId>` +
    `<groupName>sg-${e % w.counts.sg}</groupName></item></groupSet>` +
    `${attachment}` +
    `<privateIpAddressesSet><item><privateIpAddress>${privateIp}</privateIpAddress><primary>true</primary></item></privateIpAddressesSet>` +
    `<ipv6AddressesSet/><interfaceType>interface</interfaceType>${tagSet(
      tags,
      'tagSet',
    )}`
  );
}

function eipXml(w: AwsRegionWorld, a: number): string {
  const tags = awsTags(
    w,
    'eip',
    a,
    a % 3 === 0 ? `${pick(TEAMS, a)}-egress-${a}` : undefined,
  );
  const publicIp = `203.0.${(a >> 8) & 255}.${a & 255}`;
  const target =
    a % 2 === 0
      ? `<instanceId>${ids.instance(w, a % w.counts.instance)}</instanceId>`
      : `<networkInterfaceId>${ids.eni(
          w,
          a % w.counts.eni,
        )}</networkInterfaceId><networkInterfaceOwnerId>${AWS_ACCOUNT}</networkInterfaceOwnerId>`;
  return (
    `<publicIp>${publicIp}</publicIp><allocationId>${ids.eip(
      w,
      a,
    )}</allocationId><domain>vpc</domain>${target}` +
    `<associationId>eipassoc-${hexId(w.salt + 80, a, 17)}</associationId>` +
    `<privateIpAddress>${ip(1, a)}</privateIpAddress>${tagSet(tags)}` +
    `<publicIpv4Pool>amazon</publicIpv4Pool><networkBorderGroup>${w.region}</networkBorderGroup>`
  );
}

function natXml(w: AwsRegionWorld, n: number): string {
  const subnet = n % w.counts.subnet;
  const tags = awsTags(w, 'nat', n, `nat-${azOf(w, subnet)}-${n}`);
  return (
    `<createTime>${isoDate(n)}</createTime><natGatewayAddressSet><item>` +
    `<allocationId>${ids.eip(
      w,
      n % w.counts.eip,
    )}</allocationId><networkInterfaceId>eni-${hexId(
      w.salt + 90,
      n,
      17,
    )}</networkInterfaceId>` +
    `<privateIp>${ip(2, n)}</privateIp><publicIp>198.51.${(n >> 8) & 255}.${
      n & 255
    }</publicIp><isPrimary>true</isPrimary><status>succeeded</status></item></natGatewayAddressSet>` +
    `<natGatewayId>${ids.nat(
      w,
      n,
    )}</natGatewayId><state>available</state><subnetId>${ids.subnet(
      w,
      subnet,
    )}</subnetId>` +
    `<vpcId>${ids.vpc(w, vpcOfSubnet(w, subnet))}</vpcId>${tagSet(
      tags,
    )}<connectivityType>public</connectivityType>`
  );
}

type AwsListing = {
  count: (w: AwsRegionWorld) => number;
  item: (w: AwsRegionWorld, index: number) => string;
  paginated: boolean;
};

const AWS_LISTINGS: Record<string, AwsListing> = {
  DescribeVpcs: {
    count: w => w.counts.vpc,
    item: vpcXml,
    paginated: true,
  },
  DescribeSubnets: {
    count: w => w.counts.subnet,
    item: subnetXml,
    paginated: true,
  },
  DescribeSecurityGroups: {
    count: w => w.counts.sg,
    item: sgXml,
    paginated: true,
  },
  DescribeInstances: {
    count: w => w.counts.instance,
    item: instanceXml,
    paginated: true,
  },
  DescribeVolumes: {
    count: w => w.counts.volume,
    item: volumeXml,
    paginated: true,
  },
  DescribeNetworkInterfaces: {
    count: w => w.counts.eni,
    item: eniXml,
    paginated: true,
  },
  DescribeAddresses: {
    count: w => w.counts.eip,
    item: eipXml,
    paginated: false,
  },
  DescribeNatGateways: {
    count: w => w.counts.nat,
    item: natXml,
    paginated: true,
  },
};

/** Answers the STS and EC2 requests of the source from the generated estate. */
function createAwsReply(total: number) {
  const worlds = new Map(awsWorlds(total).map(w => [w.region, w]));
  return (request: RecordedRequest): FakeReply => {
    const { action } = request;
    if (action === 'GetCallerIdentity') {
      return getCallerIdentityAnswer(AWS_ACCOUNT);
    }
    if (action === 'DescribeRegions') {
      return describeRegionsAnswer([
        ...AWS_REGIONS.map(name => ({
          name,
          optInStatus: 'opt-in-not-required',
        })),
        { name: 'af-south-1', optInStatus: 'not-opted-in' },
      ]);
    }
    const listing = AWS_LISTINGS[action];
    if (!listing) {
      return ec2Error(
        400,
        'InvalidAction',
        `The action ${action} is not valid for this web service.`,
      );
    }
    const world = worlds.get(request.region);
    return ec2ListingAnswer(
      request,
      {
        count: world ? listing.count(world) : 0,
        item: index => listing.item(world!, index),
      },
      { paginated: listing.paginated },
    );
  };
}

// ---------------------------------------------------------------------------
// Azure Resource Manager (https, JSON, nextLink)

export const AZURE_SUBSCRIPTIONS = [
  '6f2e8c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b',
  '0b1f6471-1bf0-4dda-aec3-111122223333',
];
const AZURE_TOKEN = 'bench-arm-token';
const AZURE_PAGE = 1000;
const AZURE_LOCATIONS = ['westeurope', 'northeurope', 'eastus2'];

type AzureWorld = {
  sub: string;
  salt: number;
  groups: number;
  resources: number;
};

function azureWorlds(total: number): AzureWorld[] {
  const perSub = [Math.ceil(total / 2), Math.floor(total / 2)];
  return AZURE_SUBSCRIPTIONS.map((sub, s) => {
    const groups = Math.max(
      1,
      Math.min(perSub[s], Math.round(perSub[s] * 0.01)),
    );
    return { sub, salt: 1000 * (s + 1), groups, resources: perSub[s] - groups };
  });
}

function azureGroupName(w: AzureWorld, g: number): string {
  const o = ownership(w.salt + g);
  return `rg-${o.team}-${o.env}-${g}`;
}

function azureTags(seed: number): Record<string, string> | undefined {
  if (mix(seed * 5 + 1) % 10 === 0) {
    return undefined;
  }
  const o = ownership(seed);
  const tags = ownershipTags(o, mix(seed) % 8 === 0 ? 'team' : 'owner');
  if (mix(seed + 3) % 3 === 0) {
    tags['created-by'] = 'terraform';
  }
  return tags;
}

type AzureKind = {
  type: string;
  name: (w: AzureWorld, r: number, group: string) => string;
  extra?: (w: AzureWorld, r: number, group: string) => Record<string, unknown>;
};

const AZURE_KINDS: Array<[number, AzureKind]> = [
  [
    20,
    {
      type: 'Microsoft.Compute/virtualMachines',
      name: (_w, r) => `vm-${pick(TEAMS, r)}-${r}`,
      extra: () => ({ zones: ['1'] }),
    },
  ],
  [
    25,
    {
      type: 'Microsoft.Compute/disks',
      name: (_w, r) => `vm-${pick(TEAMS, r)}-${r}_OsDisk_1_${hexId(7, r, 32)}`,
      extra: (w, r, group) => ({
        managedBy: `/subscriptions/${
          w.sub
        }/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/vm-${pick(
          TEAMS,
          r,
        )}-${r}`,
        sku: { name: 'Premium_LRS', tier: 'Premium' },
      }),
    },
  ],
  [
    18,
    {
      type: 'Microsoft.Network/networkInterfaces',
      name: (_w, r) => `nic-${pick(TEAMS, r)}-${r}`,
    },
  ],
  [
    2,
    {
      type: 'Microsoft.Network/virtualNetworks',
      name: (_w, r) => `vnet-${pick(TEAMS, r)}-${r}`,
    },
  ],
  [
    5,
    {
      type: 'Microsoft.Network/networkSecurityGroups',
      name: (_w, r) => `nsg-${pick(TEAMS, r)}-${r}`,
    },
  ],
  [
    5,
    {
      type: 'Microsoft.Network/publicIPAddresses',
      name: (_w, r) => `pip-${pick(TEAMS, r)}-${r}`,
      extra: () => ({ sku: { name: 'Standard', tier: 'Regional' } }),
    },
  ],
  [
    5,
    {
      type: 'Microsoft.Storage/storageAccounts',
      name: (_w, r) => `st${pick(TEAMS, r).slice(0, 6)}${hexId(8, r, 10)}`,
      extra: () => ({
        kind: 'StorageV2',
        sku: { name: 'Standard_LRS', tier: 'Standard' },
      }),
    },
  ],
  [
    10,
    {
      type: 'Microsoft.Sql/servers/databases',
      name: (_w, r, group) => `sql-${group}/db-${r}`,
      extra: () => ({
        kind: 'v12.0,user',
        sku: {
          name: 'GP_Gen5',
          tier: 'GeneralPurpose',
          family: 'Gen5',
          capacity: 2,
        },
      }),
    },
  ],
  [
    5,
    {
      type: 'Microsoft.Web/sites',
      name: (_w, r) => `app-${pick(TEAMS, r)}-${r}`,
      extra: () => ({ kind: 'app,linux' }),
    },
  ],
  [
    5,
    {
      type: 'Microsoft.KeyVault/vaults',
      name: (_w, r) => `kv-${pick(TEAMS, r)}-${hexId(9, r, 8)}`,
    },
  ],
];
const AZURE_KIND_TABLE: AzureKind[] = AZURE_KINDS.flatMap(([weight, kind]) =>
  Array.from({ length: weight }, () => kind),
);
const SQL_SERVER_KIND: AzureKind = {
  type: 'Microsoft.Sql/servers',
  name: (_w, _r, group) => `sql-${group}`,
  extra: () => ({ kind: 'v12.0' }),
};

/** A resource as ARM lists it when `$expand` names the properties in `expanded`. */
function azureResource(
  w: AzureWorld,
  r: number,
  expanded: Set<string>,
): Record<string, unknown> {
  const g = r % w.groups;
  const groupName = azureGroupName(w, g);
  // The first resource of every group is its SQL server, parent of the group's databases.
  const kind = azureKindOf(w, r);
  const name = kind.name(w, r, groupName);
  // ARM is inconsistent about the case of group names inside resource ids.
  const idGroup =
    mix(r * 3 + w.salt) % 20 === 0 ? groupName.toUpperCase() : groupName;
  const [namespace, ...types] = kind.type.split('/');
  const names = name.split('/');
  const path = types.map((t, i) => `${t}/${names[i]}`).join('/');
  const seed = w.salt * 31 + r;
  const record: Record<string, unknown> = {
    id: `/subscriptions/${w.sub}/resourceGroups/${idGroup}/providers/${namespace}/${path}`,
    name,
    type: kind.type,
    ...(kind.extra?.(w, r, groupName) ?? {}),
    location: pick(AZURE_LOCATIONS, w.salt + g),
  };
  // ARM adds these only when `$expand` asks for them.
  if (expanded.has('createdTime')) {
    record.createdTime = isoDate(seed).replace('Z', '0000+00:00');
  }
  if (expanded.has('changedTime')) {
    record.changedTime = isoDate(seed + 1).replace('Z', '0000+00:00');
  }
  if (expanded.has('provisioningState')) {
    record.provisioningState = mix(seed) % 50 === 0 ? 'Failed' : 'Succeeded';
  }
  const tags = azureTags(seed);
  if (tags) {
    record.tags = tags;
  }
  return record;
}

function azureKindOf(w: AzureWorld, r: number): AzureKind {
  return r < w.groups
    ? SQL_SERVER_KIND
    : AZURE_KIND_TABLE[mix(w.salt + r) % AZURE_KIND_TABLE.length];
}

/** The id of the next resource after `r` (wrapping) of `type`, if the world has one. */
function nextAzureId(
  w: AzureWorld,
  r: number,
  type: string,
  skip = 0,
): string | undefined {
  let left = skip;
  for (let step = 1; step < w.resources; step++) {
    const candidate = (r + step) % w.resources;
    if (azureKindOf(w, candidate).type === type && left-- === 0) {
      return azureResource(w, candidate, new Set()).id as string;
    }
  }
  return undefined;
}

const AZURE_DETAIL_TYPES = new Set([
  'microsoft.compute/virtualmachines',
  'microsoft.network/networkinterfaces',
  'microsoft.network/virtualnetworks',
  'microsoft.network/networksecuritygroups',
  'microsoft.network/publicipaddresses',
  'microsoft.sql/servers',
]);

/** A network security group's rule, as ARM returns it. */
function nsgRule(
  nsg: string,
  name: string,
  priority: number,
  settings: Record<string, unknown>,
): Record<string, unknown> {
  return {
    name,
    id: `${nsg}/securityRules/${name}`,
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    properties: {
      provisioningState: 'Succeeded',
      protocol: 'Tcp',
      sourcePortRange: '*',
      destinationAddressPrefix: '*',
      access: 'Allow',
      priority,
      direction: 'Inbound',
      sourcePortRanges: [],
      destinationPortRanges: [],
      sourceAddressPrefixes: [],
      destinationAddressPrefixes: [],
      ...settings,
    },
  };
}

/**
 * Resource `r` as its provider's own list returns it (`GET /subscriptions/
 * {id}/providers/{namespace}/{type}`): its settings in `properties`, which
 * name the resources it uses (the next ones of their type in the estate).
 */
function azureDetail(w: AzureWorld, r: number): Record<string, unknown> {
  const { id, name, type, location, tags } = azureResource(w, r, new Set());
  const ref = (target: string | undefined) =>
    target ? { id: target } : undefined;
  const seed = w.salt * 37 + r;
  let properties: Record<string, unknown>;
  switch (type) {
    case 'Microsoft.Compute/virtualMachines':
      properties = {
        vmId: uuid(41, seed),
        hardwareProfile: {
          vmSize: pick(['Standard_D2s_v5', 'Standard_D4s_v5'], r),
        },
        storageProfile: {
          imageReference: {
            publisher: 'Canonical',
            offer: '0001-com-ubuntu-server-jammy',
            sku: '22_04-lts-gen2',
            version: 'latest',
            exactVersion: '22.04.202505210',
          },
          osDisk: {
            osType: 'Linux',
            name: `${name}_OsDisk_1`,
            createOption: 'FromImage',
            caching: 'ReadWrite',
            managedDisk: {
              storageAccountType: 'Premium_LRS',
              id: nextAzureId(w, r, 'Microsoft.Compute/disks'),
            },
            deleteOption: 'Delete',
            diskSizeGB: 30,
          },
          dataDisks:
            r % 3 === 0
              ? [
                  {
                    lun: 0,
                    name: `${name}-data01`,
                    createOption: 'Attach',
                    caching: 'ReadOnly',
                    managedDisk: {
                      storageAccountType: 'Premium_LRS',
                      id: nextAzureId(w, r, 'Microsoft.Compute/disks', 1),
                    },
                    deleteOption: 'Detach',
                    diskSizeGB: 256,
                    toBeDetached: false,
                  },
                ]
              : [],
          diskControllerType: 'SCSI',
        },
        osProfile: {
          computerName: name,
          adminUsername: 'azureuser',
          linuxConfiguration: {
            disablePasswordAuthentication: true,
            ssh: {
              publicKeys: [
                {
                  path: '/home/azureuser/.ssh/authorized_keys',
                  keyData: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${hexId(
                    42,
                    seed,
                    43,
                  )} azureuser`,
                },
              ],
            },
            provisionVMAgent: true,
            patchSettings: {
              patchMode: 'ImageDefault',
              assessmentMode: 'ImageDefault',
            },
          },
          secrets: [],
          allowExtensionOperations: true,
          requireGuestProvisionSignal: true,
        },
        securityProfile: {
          uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
          securityType: 'TrustedLaunch',
        },
        networkProfile: {
          networkInterfaces: [
            {
              id: nextAzureId(w, r, 'Microsoft.Network/networkInterfaces'),
              properties: { deleteOption: 'Detach' },
            },
          ],
        },
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
        provisioningState: 'Succeeded',
        timeCreated: isoDate(seed),
      };
      break;
    case 'Microsoft.Network/networkInterfaces': {
      const vnet = nextAzureId(w, r, 'Microsoft.Network/virtualNetworks');
      properties = {
        provisioningState: 'Succeeded',
        resourceGuid: uuid(43, seed),
        ipConfigurations: [
          {
            name: 'ipconfig1',
            id: `${id}/ipConfigurations/ipconfig1`,
            type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
            properties: {
              provisioningState: 'Succeeded',
              privateIPAddress: ip(30, r),
              privateIPAllocationMethod: 'Dynamic',
              subnet: ref(vnet && `${vnet}/subnets/snet-${r % 4}`),
              publicIPAddress:
                r % 5 === 0
                  ? ref(
                      nextAzureId(w, r, 'Microsoft.Network/publicIPAddresses'),
                    )
                  : undefined,
              primary: true,
              privateIPAddressVersion: 'IPv4',
            },
          },
        ],
        dnsSettings: { dnsServers: [], appliedDnsServers: [] },
        macAddress: hexId(44, seed, 12)
          .toUpperCase()
          .replace(/(..)(?!$)/g, '$1-'),
        enableAcceleratedNetworking: true,
        enableIPForwarding: false,
        networkSecurityGroup:
          r % 2 === 0
            ? ref(nextAzureId(w, r, 'Microsoft.Network/networkSecurityGroups'))
            : undefined,
        primary: true,
        virtualMachine: ref(
          nextAzureId(w, r, 'Microsoft.Compute/virtualMachines'),
        ),
        nicType: 'Standard',
      };
      break;
    }
    case 'Microsoft.Network/networkSecurityGroups': {
      // HTTPS from the Internet everywhere; SSH from anywhere on one in
      // seven, as estates have them.
      const nsg = String(id);
      properties = {
        provisioningState: 'Succeeded',
        resourceGuid: uuid(46, seed),
        securityRules: [
          nsgRule(nsg, 'allow-https-internet', 100, {
            sourceAddressPrefix: 'Internet',
            destinationPortRange: '443',
          }),
          nsgRule(nsg, 'allow-app-vnet', 110, {
            sourceAddressPrefix: 'VirtualNetwork',
            destinationPortRanges: ['8080', '8443'],
          }),
          ...(r % 7 === 0
            ? [
                nsgRule(nsg, 'allow-ssh-anywhere', 120, {
                  sourceAddressPrefix: '*',
                  destinationPortRange: '22',
                }),
              ]
            : []),
        ],
        defaultSecurityRules: [
          nsgRule(nsg, 'DenyAllInBound', 65500, {
            protocol: '*',
            sourceAddressPrefix: '*',
            destinationPortRange: '*',
            access: 'Deny',
          }),
        ],
      };
      break;
    }
    case 'Microsoft.Network/publicIPAddresses':
      properties = {
        provisioningState: 'Succeeded',
        resourceGuid: uuid(47, seed),
        publicIPAddressVersion: 'IPv4',
        publicIPAllocationMethod: 'Static',
        idleTimeoutInMinutes: 4,
        ipAddress: `20.${(r >> 16) & 255}.${(r >> 8) & 255}.${r & 255}`,
        // One in four is left over, associated with nothing.
        ...(r % 4 === 0
          ? {}
          : {
              ipConfiguration: {
                id: `${
                  nextAzureId(w, r, 'Microsoft.Network/networkInterfaces') ?? id
                }/ipConfigurations/ipconfig1`,
              },
            }),
      };
      break;
    case 'Microsoft.Sql/servers':
      properties = {
        administratorLogin: 'sqladmin',
        version: '12.0',
        state: 'Ready',
        fullyQualifiedDomainName: `${name}.database.windows.net`,
        minimalTlsVersion: '1.2',
        publicNetworkAccess: r % 3 === 0 ? 'Enabled' : 'Disabled',
        restrictOutboundNetworkAccess: 'Disabled',
      };
      break;
    default:
      properties = {
        provisioningState: 'Succeeded',
        resourceGuid: uuid(45, seed),
        addressSpace: { addressPrefixes: [`10.${r % 256}.0.0/16`] },
        subnets: [0, 1, 2, 3].map(k => ({
          name: `snet-${k}`,
          id: `${id}/subnets/snet-${k}`,
          type: 'Microsoft.Network/virtualNetworks/subnets',
          properties: {
            provisioningState: 'Succeeded',
            addressPrefix: `10.${r % 256}.${k}.0/24`,
            networkSecurityGroup: ref(
              nextAzureId(w, r, 'Microsoft.Network/networkSecurityGroups', k),
            ),
            privateEndpointNetworkPolicies: 'Disabled',
            privateLinkServiceNetworkPolicies: 'Enabled',
          },
        })),
        virtualNetworkPeerings: [],
        enableDdosProtection: false,
      };
  }
  return { id, name, type, location, ...(tags ? { tags } : {}), properties };
}

function azureGroup(w: AzureWorld, g: number): Record<string, unknown> {
  const name = azureGroupName(w, g);
  const record: Record<string, unknown> = {
    id: `/subscriptions/${w.sub}/resourceGroups/${name}`,
    name,
    type: 'Microsoft.Resources/resourceGroups',
    location: pick(AZURE_LOCATIONS, w.salt + g),
    properties: { provisioningState: 'Succeeded' },
  };
  const tags = azureTags(w.salt * 17 + g);
  if (tags) {
    record.tags = tags;
  }
  return record;
}

/** Answers the ARM requests of the source from the generated estate. */
function createAzureReply(total: number) {
  const worlds = new Map(azureWorlds(total).map(w => [w.sub, w]));
  return ({ url }: ArmRequest): ArmReply => {
    const list = armListOf(url);
    const world = list && worlds.get(list.subscriptionId);
    if (!list || !world) {
      return armError(
        404,
        'SubscriptionNotFound',
        `No route for ${url.pathname}`,
      );
    }
    if (list.list === 'provider') {
      const type = list.type.toLowerCase();
      if (!AZURE_DETAIL_TYPES.has(type)) {
        return armError(
          404,
          'NoRegisteredProviderFound',
          `No route for ${url.pathname}`,
        );
      }
      // A provider's list: its resources of the type, scanned from the
      // resource index in the skip token.
      const value: unknown[] = [];
      let r = decodeOffsetToken(url.searchParams.get('$skiptoken'));
      for (; r < world.resources && value.length < AZURE_PAGE; r++) {
        if (azureKindOf(world, r).type.toLowerCase() === type) {
          value.push(azureDetail(world, r));
        }
      }
      return armPage(
        url,
        value,
        r < world.resources ? encodeOffsetToken(r) : undefined,
      );
    }
    const groups = list.list === 'resourcegroups';
    const expanded = new Set(
      (url.searchParams.get('$expand') ?? '').split(',').filter(Boolean),
    );
    return armListingPage(
      url,
      {
        count: groups ? world.groups : world.resources,
        item: index =>
          groups
            ? azureGroup(world, index)
            : azureResource(world, index, expanded),
      },
      AZURE_PAGE,
    );
  };
}

// ---------------------------------------------------------------------------
// GCP Cloud Asset (REST searchAllResources, nextPageToken)

export const GCP_ORGANIZATION = '730114526071';
export const GCP_SCOPE = `organizations/${GCP_ORGANIZATION}`;
const GCP_TOKEN = 'bench-gcp-access-token';
/** The project of the VM the bench plays: where the backend would run. */
const GCP_METADATA_PROJECT = 'bench-backstage-host';
const GCP_REGIONS = ['europe-west1', 'us-central1', 'asia-east1'];

type GcpWorld = { projects: number; total: number };

function gcpProject(p: number) {
  const o = ownership(5000 + p, true);
  return {
    id: `${o.team}-${o.env}-${p}`.slice(0, 30),
    number: String(300000000000 + p * 7919),
    folder: `folders/${418253016442 + (p % 7)}`,
    o,
  };
}

function gcpLabels(seed: number): Record<string, string> | undefined {
  if (mix(seed * 3 + 2) % 12 === 0) {
    return undefined;
  }
  const o = ownership(seed, true);
  const labels = ownershipTags(o, mix(seed) % 3 === 0 ? 'owner' : 'team');
  if (mix(seed + 7) % 4 === 0) {
    labels['goog-terraform-provisioned'] = 'true';
  }
  return labels;
}

type GcpKind = (
  p: ReturnType<typeof gcpProject>,
  r: number,
  w: GcpWorld,
) => Record<string, unknown>;

const COMPUTE_API = 'https://www.googleapis.com/compute/v1';

/** The Compute Engine self link of a `//compute.googleapis.com/...` asset name. */
function selfLinkOf(result: Record<string, unknown>): string {
  return `${COMPUTE_API}/${String(result.name).replace(
    '//compute.googleapis.com/',
    '',
  )}`;
}

/** The next result after `r` of project `r % projects` made by `kind`, if any. */
function nextGcpOfKind(
  w: GcpWorld,
  r: number,
  kind: GcpKind,
): Record<string, unknown> | undefined {
  const p = gcpProject(r % w.projects);
  for (let candidate = r + w.projects; candidate < w.total; ) {
    if (gcpKindOf(candidate) === kind) {
      return kind(p, candidate, w);
    }
    candidate += w.projects;
  }
  return undefined;
}

/** A `versionedResources` entry: the resource as its own API returns it. */
function versioned(version: string, resource: Record<string, unknown>) {
  return [{ version, resource }];
}

const gcpDisk: GcpKind = (p, r) => {
  const zone = `${pick(GCP_REGIONS, r)}-${'bcd'[r % 3]}`;
  const name = `${p.o.team}-disk-${r}`;
  const sizeGb = String(pick([10, 20, 100, 500], r));
  const type = `${COMPUTE_API}/projects/${p.id}/zones/${zone}/diskTypes/pd-balanced`;
  return {
    name: `//compute.googleapis.com/projects/${p.id}/zones/${zone}/disks/${name}`,
    assetType: 'compute.googleapis.com/Disk',
    displayName: name,
    location: zone,
    state: 'READY',
    additionalAttributes: { sizeGb, type },
    versionedResources: versioned('v1', {
      kind: 'compute#disk',
      id: String(mix(r + 17) * 1000 + (r % 1000)),
      creationTimestamp: isoDate(r),
      name,
      sizeGb,
      zone: `${COMPUTE_API}/projects/${p.id}/zones/${zone}`,
      status: 'READY',
      selfLink: `${COMPUTE_API}/projects/${p.id}/zones/${zone}/disks/${name}`,
      // One disk in five is attached to nothing.
      ...(r % 5 === 0
        ? {}
        : {
            users: [
              `${COMPUTE_API}/projects/${p.id}/zones/${zone}/instances/${p.o.team}-vm-${r}`,
            ],
          }),
      sourceImage: `${COMPUTE_API}/projects/debian-cloud/global/images/debian-12-bookworm-v20250513`,
      type,
      physicalBlockSizeBytes: '4096',
      architecture: 'X86_64',
    }),
  };
};

const gcpSubnetwork: GcpKind = (p, r) => {
  const region = pick(GCP_REGIONS, r);
  const name = `${p.o.team}-subnet-${r}`;
  const network = `${COMPUTE_API}/projects/${p.id}/global/networks/${p.id}-vpc`;
  const ipCidrRange = `10.${r % 256}.0.0/20`;
  return {
    name: `//compute.googleapis.com/projects/${p.id}/regions/${region}/subnetworks/${name}`,
    assetType: 'compute.googleapis.com/Subnetwork',
    displayName: name,
    location: region,
    additionalAttributes: { ipCidrRange, network },
    versionedResources: versioned('v1', {
      kind: 'compute#subnetwork',
      id: String(mix(r + 19) * 1000 + (r % 1000)),
      creationTimestamp: isoDate(r),
      name,
      network,
      ipCidrRange,
      gatewayAddress: `10.${r % 256}.0.1`,
      region: `${COMPUTE_API}/projects/${p.id}/regions/${region}`,
      selfLink: `${COMPUTE_API}/projects/${p.id}/regions/${region}/subnetworks/${name}`,
      privateIpGoogleAccess: true,
      purpose: 'PRIVATE',
      stackType: 'IPV4_ONLY',
    }),
  };
};

const GCP_KINDS: Array<[number, GcpKind]> = [
  [
    30,
    (p, r, w) => {
      const zone = `${pick(GCP_REGIONS, r)}-${'bcd'[r % 3]}`;
      const name = `${p.o.team}-vm-${r}`;
      const network = `${COMPUTE_API}/projects/${p.id}/global/networks/${p.id}-vpc`;
      const subnetwork = nextGcpOfKind(w, r, gcpSubnetwork);
      const disk = nextGcpOfKind(w, r, gcpDisk);
      return {
        name: `//compute.googleapis.com/projects/${p.id}/zones/${zone}/instances/${name}`,
        assetType: 'compute.googleapis.com/Instance',
        displayName: name,
        description: `${p.o.team} worker`,
        location: zone,
        state: mix(r) % 10 === 0 ? 'TERMINATED' : 'RUNNING',
        networkTags: ['http-server', `${p.o.team}-internal`],
        additionalAttributes: {
          machineType: `https://www.googleapis.com/compute/v1/projects/${
            p.id
          }/zones/${zone}/machineTypes/${pick(
            ['e2-standard-2', 'n2-standard-4', 'c3-standard-8'],
            r,
          )}`,
          networkInterfaceNames: ['nic0'],
          networkInterfaceNetworks: [
            `https://www.googleapis.com/compute/v1/projects/${p.id}/global/networks/${p.id}-vpc`,
          ],
          internalIPs: [ip(20, r)],
          ...(r % 4 === 0
            ? { externalIPs: [`34.76.${(r >> 8) & 255}.${r & 255}`] }
            : {}),
        },
        versionedResources: versioned('v1', {
          kind: 'compute#instance',
          id: String(mix(r + 23) * 1000 + (r % 1000)),
          creationTimestamp: isoDate(r),
          name,
          description: `${p.o.team} worker`,
          tags: { items: ['http-server', `${p.o.team}-internal`] },
          machineType: `${COMPUTE_API}/projects/${p.id}/zones/${zone}/machineTypes/e2-standard-2`,
          status: mix(r) % 10 === 0 ? 'TERMINATED' : 'RUNNING',
          zone: `${COMPUTE_API}/projects/${p.id}/zones/${zone}`,
          canIpForward: false,
          networkInterfaces: [
            {
              kind: 'compute#networkInterface',
              network,
              ...(subnetwork ? { subnetwork: selfLinkOf(subnetwork) } : {}),
              networkIP: ip(20, r),
              name: 'nic0',
              fingerprint: hexId(24, r, 12),
              stackType: 'IPV4_ONLY',
            },
          ],
          disks: disk
            ? [
                {
                  kind: 'compute#attachedDisk',
                  type: 'PERSISTENT',
                  mode: 'READ_WRITE',
                  source: selfLinkOf(disk),
                  deviceName: 'persistent-disk-0',
                  index: 0,
                  boot: true,
                  autoDelete: true,
                  interface: 'SCSI',
                  diskSizeGb: '20',
                  architecture: 'X86_64',
                },
              ]
            : [],
          metadata: { kind: 'compute#metadata', fingerprint: hexId(25, r, 12) },
          serviceAccounts: [
            {
              email: `${p.o.team}-workload@${p.id}.iam.gserviceaccount.com`,
              scopes: ['https://www.googleapis.com/auth/cloud-platform'],
            },
          ],
          selfLink: `${COMPUTE_API}/projects/${p.id}/zones/${zone}/instances/${name}`,
          scheduling: {
            onHostMaintenance: 'MIGRATE',
            automaticRestart: true,
            preemptible: false,
            provisioningModel: 'STANDARD',
          },
          cpuPlatform: 'Intel Broadwell',
          labelFingerprint: hexId(26, r, 12),
          startRestricted: false,
          deletionProtection: false,
          shieldedInstanceConfig: {
            enableSecureBoot: false,
            enableVtpm: true,
            enableIntegrityMonitoring: true,
          },
          fingerprint: hexId(27, r, 12),
          lastStartTimestamp: isoDate(r + 1),
        }),
      };
    },
  ],
  [28, gcpDisk],
  [5, gcpSubnetwork],
  [
    10,
    (p, r) => ({
      name: `//compute.googleapis.com/projects/${p.id}/global/firewalls/allow-${p.o.team}-${r}`,
      assetType: 'compute.googleapis.com/Firewall',
      displayName: `allow-${p.o.team}-${r}`,
      location: 'global',
      additionalAttributes: { direction: 'INGRESS', priority: 1000 },
      versionedResources: versioned('v1', {
        kind: 'compute#firewall',
        id: String(mix(r + 29) * 1000 + (r % 1000)),
        creationTimestamp: isoDate(r),
        name: `allow-${p.o.team}-${r}`,
        network: `${COMPUTE_API}/projects/${p.id}/global/networks/${p.id}-vpc`,
        priority: 1000,
        // One rule in six is open to the world.
        sourceRanges: r % 6 === 0 ? ['0.0.0.0/0'] : ['10.0.0.0/8'],
        allowed: [{ IPProtocol: 'tcp', ports: ['443', '8080'] }],
        direction: 'INGRESS',
        logConfig: { enable: false },
        disabled: false,
        selfLink: `${COMPUTE_API}/projects/${p.id}/global/firewalls/allow-${p.o.team}-${r}`,
      }),
    }),
  ],
  [
    12,
    (p, r) => {
      const bucket = `${p.id}-${hexId(21, r, 10)}`;
      return {
        name: `//storage.googleapis.com/${bucket}`,
        assetType: 'storage.googleapis.com/Bucket',
        displayName: bucket,
        location: pick(['eu', 'us', 'europe-west1'], r),
        additionalAttributes: { storageClass: 'STANDARD' },
        versionedResources: versioned('v1', {
          kind: 'storage#bucket',
          id: bucket,
          name: bucket,
          projectNumber: p.number,
          location: pick(['EU', 'US', 'EUROPE-WEST1'], r),
          locationType: 'multi-region',
          storageClass: 'STANDARD',
          timeCreated: isoDate(r),
          updated: isoDate(r + 1),
          metageneration: '3',
          iamConfiguration: {
            bucketPolicyOnly: { enabled: true },
            uniformBucketLevelAccess: { enabled: true },
            publicAccessPrevention: 'enforced',
          },
          softDeletePolicy: { retentionDurationSeconds: '604800' },
          rpo: 'DEFAULT',
          selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}`,
          etag: 'CAM=',
        }),
      };
    },
  ],
  [
    2,
    (p, r, w) => {
      const region = pick(GCP_REGIONS, r);
      const subnetwork = nextGcpOfKind(w, r, gcpSubnetwork);
      return {
        name: `//container.googleapis.com/projects/${p.id}/locations/${region}/clusters/${p.o.team}-gke-${r}`,
        assetType: 'container.googleapis.com/Cluster',
        displayName: `${p.o.team}-gke-${r}`,
        location: region,
        state: 'RUNNING',
        versionedResources: versioned('v1', {
          name: `${p.o.team}-gke-${r}`,
          location: region,
          status: 'RUNNING',
          currentMasterVersion: '1.30.5-gke.1014001',
          network: `${p.id}-vpc`,
          networkConfig: {
            network: `projects/${p.id}/global/networks/${p.id}-vpc`,
            ...(subnetwork
              ? {
                  subnetwork: selfLinkOf(subnetwork).replace(
                    `${COMPUTE_API}/`,
                    '',
                  ),
                }
              : {}),
            datapathProvider: 'ADVANCED_DATAPATH',
          },
          ipAllocationPolicy: { useIpAliases: true },
          releaseChannel: { channel: 'REGULAR' },
          selfLink: `https://container.googleapis.com/v1/projects/${p.id}/locations/${region}/clusters/${p.o.team}-gke-${r}`,
        }),
      };
    },
  ],
  [
    4,
    (p, r) => ({
      name: `//cloudsql.googleapis.com/projects/${p.id}/instances/${p.o.team}-pg-${r}`,
      assetType: 'sqladmin.googleapis.com/Instance',
      displayName: `${p.o.team}-pg-${r}`,
      location: pick(GCP_REGIONS, r),
      state: 'RUNNABLE',
      versionedResources: versioned('v1beta4', {
        kind: 'sql#instance',
        name: `${p.o.team}-pg-${r}`,
        project: p.id,
        region: pick(GCP_REGIONS, r),
        databaseVersion: 'POSTGRES_15',
        backendType: 'SECOND_GEN',
        instanceType: 'CLOUD_SQL_INSTANCE',
        state: 'RUNNABLE',
        connectionName: `${p.id}:${pick(GCP_REGIONS, r)}:${p.o.team}-pg-${r}`,
        settings: {
          tier: 'db-custom-2-7680',
          availabilityType: 'ZONAL',
          ipConfiguration: {
            ipv4Enabled: false,
            privateNetwork: `projects/${p.id}/global/networks/${p.id}-vpc`,
          },
          backupConfiguration: { enabled: true, startTime: '03:00' },
        },
        selfLink: `https://sqladmin.googleapis.com/v1beta4/projects/${p.id}/instances/${p.o.team}-pg-${r}`,
      }),
    }),
  ],
  [
    9,
    (p, r) => ({
      name: `//iam.googleapis.com/projects/${p.id}/serviceAccounts/1${String(
        r,
      ).padStart(20, '0')}`,
      assetType: 'iam.googleapis.com/ServiceAccount',
      displayName: `${p.o.team} workload ${r}`,
      location: 'global',
      versionedResources: versioned('v1', {
        name: `projects/${p.id}/serviceAccounts/${p.o.team}-${r}@${p.id}.iam.gserviceaccount.com`,
        projectId: p.id,
        uniqueId: `1${String(r).padStart(20, '0')}`,
        email: `${p.o.team}-${r}@${p.id}.iam.gserviceaccount.com`,
        displayName: `${p.o.team} workload ${r}`,
        oauth2ClientId: `1${String(r).padStart(20, '0')}`,
      }),
    }),
  ],
];
const GCP_KIND_TABLE: GcpKind[] = GCP_KINDS.flatMap(([weight, kind]) =>
  Array.from({ length: weight }, () => kind),
);

function gcpKindOf(r: number): GcpKind {
  return GCP_KIND_TABLE[mix(r * 7 + 11) % GCP_KIND_TABLE.length];
}

const gcpKindTypes = new Map<GcpKind, string>();

/** The asset type of result `r`, without building it. */
function gcpAssetTypeOf(w: GcpWorld, r: number): string {
  if (r < w.projects) {
    return 'cloudresourcemanager.googleapis.com/Project';
  }
  if (r < 2 * w.projects) {
    return 'compute.googleapis.com/Network';
  }
  const kind = gcpKindOf(r);
  let type = gcpKindTypes.get(kind);
  if (!type) {
    type = String(kind(gcpProject(r % w.projects), r, w).assetType);
    gcpKindTypes.set(kind, type);
  }
  return type;
}

function gcpResult(w: GcpWorld, r: number): Record<string, unknown> {
  const common = (p: ReturnType<typeof gcpProject>, seed: number) => ({
    project: `projects/${p.number}`,
    folders: [p.folder],
    organization: GCP_SCOPE,
    createTime: isoDate(seed),
    updateTime: isoDate(seed + 1),
  });
  if (r < w.projects) {
    const p = gcpProject(r);
    return {
      name: `//cloudresourcemanager.googleapis.com/projects/${p.number}`,
      assetType: 'cloudresourcemanager.googleapis.com/Project',
      displayName: `${p.o.team} ${p.o.env} ${r}`,
      location: 'global',
      state: 'ACTIVE',
      labels: gcpLabels(7000 + r),
      parentFullResourceName: `//cloudresourcemanager.googleapis.com/${p.folder}`,
      parentAssetType: 'cloudresourcemanager.googleapis.com/Folder',
      additionalAttributes: { projectId: p.id },
      ...common(p, r),
    };
  }
  const p = gcpProject(r % w.projects);
  if (r < 2 * w.projects) {
    return {
      name: `//compute.googleapis.com/projects/${p.id}/global/networks/${p.id}-vpc`,
      assetType: 'compute.googleapis.com/Network',
      displayName: `${p.id}-vpc`,
      location: 'global',
      labels: gcpLabels(8000 + r),
      parentFullResourceName: `//cloudresourcemanager.googleapis.com/projects/${p.id}`,
      parentAssetType: 'cloudresourcemanager.googleapis.com/Project',
      ...common(p, r),
    };
  }
  const result = gcpKindOf(r)(p, r, w);
  const labels = gcpLabels(9000 + r);
  return {
    ...result,
    ...(labels ? { labels } : {}),
    // Cloud Asset names the parent project by id or by number, depending on the asset.
    parentFullResourceName: `//cloudresourcemanager.googleapis.com/projects/${
      r % 2 ? p.id : p.number
    }`,
    parentAssetType: 'cloudresourcemanager.googleapis.com/Project',
    ...common(p, r),
  };
}

/** Answers the Cloud Asset searches of the source from the generated estate. */
function createGcpReply(total: number) {
  const world: GcpWorld = {
    projects: Math.max(
      1,
      Math.min(Math.floor(total / 2), Math.round(total * 0.01)),
    ),
    total,
  };
  return ({ scope, query }: CloudAssetRequest): CloudAssetReply => {
    if (scope !== GCP_SCOPE) {
      return googleError(404, 'NOT_FOUND', `No scope ${scope}`);
    }
    const pageSize = Math.min(500, Number(query.get('pageSize') ?? 100) || 100);
    const start = decodeOffsetToken(query.get('pageToken'));
    if (start < 0) {
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid page token.');
    }
    // As the API does, `assetTypes` (exact names here) keeps the results of
    // those types, and `readMask` the top-level fields it names.
    const assetTypes = new Set(query.getAll('assetTypes'));
    const readMask = query.get('readMask');
    const results: unknown[] = [];
    let next = start;
    for (; next < world.total && results.length < pageSize; next++) {
      if (assetTypes.size && !assetTypes.has(gcpAssetTypeOf(world, next))) {
        continue;
      }
      results.push(readMasked(gcpResult(world, next), readMask));
    }
    return searchAnswer(
      results,
      next < world.total ? encodeOffsetToken(next) : undefined,
    );
  };
}

// ---------------------------------------------------------------------------
// Kubernetes API server (limit + continue)

export const KUBERNETES_TOKEN =
  'eyJhbGciOiJSUzI1NiJ9.bench-service-account-token';

type K8sWorld = Record<
  | 'namespaces'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'services'
  | 'persistentvolumeclaims'
  | 'ingresses',
  number
>;

function k8sWorld(total: number): K8sWorld {
  return split(total, [
    ['namespaces', 0.01, 1],
    ['deployments', 0.4, 0],
    ['statefulsets', 0.05, 0],
    ['daemonsets', 0.02, 0],
    ['services', 0.4, 0],
    ['persistentvolumeclaims', 0.05, 0],
    ['ingresses', 1, 0],
  ]);
}

function namespaceName(n: number): string {
  const o = ownership(20000 + n, true);
  return `${o.team}-${pick(SYSTEM_SUFFIXES, n)}-${n}`;
}

const WORKLOAD_PREFIX: Record<string, string> = {
  Deployment: 'd',
  StatefulSet: 'sts',
  DaemonSet: 'ds',
  Service: 'svc',
};

function workloadName(kind: string, i: number): string {
  const o = ownership(30000 + i, true);
  return `${o.team}-${pick(['api', 'worker', 'web', 'consumer', 'cron'], i)}-${
    WORKLOAD_PREFIX[kind]
  }${i}`;
}

function managedFields(manager: string, seed: number) {
  return [
    {
      manager,
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: isoDate(seed),
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          'f:labels': { 'f:app.kubernetes.io/name': {}, 'f:owner': {} },
        },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } } },
        },
      },
    },
  ];
}

function k8sLabels(seed: number, name: string): Record<string, string> {
  const o = ownership(seed, true);
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/managed-by': 'Helm',
    'helm.sh/chart': `${o.team}-chart-1.${seed % 9}.0`,
  };
  Object.assign(labels, ownershipTags(o, 'owner'));
  if (mix(seed) % 4 === 0) {
    labels['backstage.io/kubernetes-id'] = o.component ?? name;
  }
  return labels;
}

function metadata(
  name: string,
  namespace: string | undefined,
  seed: number,
  labels: Record<string, string>,
  extra: Record<string, unknown> = {},
) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: uuid(40, seed),
    resourceVersion: String(100000 + (mix(seed) % 900000)),
    creationTimestamp: isoDate(seed).replace(/\.\d{3}Z$/, 'Z'),
    labels,
    ...extra,
  };
}

function workload(
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
  i: number,
  w: K8sWorld,
  salt: number,
) {
  const name = workloadName(kind, i);
  const namespace = namespaceName(i % w.namespaces);
  const seed = salt + i;
  const podLabels = { app: name, 'app.kubernetes.io/name': name };
  const replicas = 1 + (mix(seed) % 4);
  const spec: Record<string, unknown> = {
    selector: { matchLabels: podLabels },
    template: {
      metadata: {
        creationTimestamp: null,
        labels: podLabels,
        annotations: { 'prometheus.io/scrape': 'true' },
      },
      spec: {
        containers: [
          {
            name: 'app',
            image: `ghcr.io/example/${name}:1.${mix(seed) % 30}.${
              mix(seed + 1) % 10
            }`,
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
            env: [
              { name: 'LOG_LEVEL', value: 'info' },
              {
                name: 'NAMESPACE',
                valueFrom: {
                  fieldRef: {
                    apiVersion: 'v1',
                    fieldPath: 'metadata.namespace',
                  },
                },
              },
            ],
            resources: {
              limits: { memory: '512Mi' },
              requests: { cpu: '100m', memory: '256Mi' },
            },
            readinessProbe: {
              httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
              periodSeconds: 10,
              timeoutSeconds: 1,
              successThreshold: 1,
              failureThreshold: 3,
            },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: { runAsNonRoot: true },
        serviceAccountName: name,
        terminationGracePeriodSeconds: 30,
      },
    },
  };
  // Deployment i mounts claim 2i + 1 (when there is one), next to a config
  // map and a secret; statefulset i's claim template made claim 2i.
  if (kind === 'Deployment' && 2 * i + 1 < w.persistentvolumeclaims) {
    const podSpec = (spec.template as { spec: Record<string, unknown> }).spec;
    podSpec.volumes = [
      { name: 'data', persistentVolumeClaim: { claimName: `${name}-data` } },
      {
        name: 'config',
        configMap: { name: `${name}-config`, defaultMode: 420 },
      },
      {
        name: 'credentials',
        secret: { secretName: `${name}-credentials`, defaultMode: 420 },
      },
    ];
  }
  if (kind === 'StatefulSet') {
    spec.volumeClaimTemplates = [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '20Gi' } },
          volumeMode: 'Filesystem',
        },
        status: { phase: 'Pending' },
      },
    ];
  }
  let status: Record<string, unknown>;
  if (kind === 'DaemonSet') {
    spec.updateStrategy = {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    };
    status = {
      currentNumberScheduled: 12,
      desiredNumberScheduled: 12,
      numberAvailable: 12,
      numberMisscheduled: 0,
      numberReady: 12 - (mix(seed) % 2),
      observedGeneration: 3,
      updatedNumberScheduled: 12,
    };
  } else {
    spec.replicas = replicas;
    spec.revisionHistoryLimit = 10;
    if (kind === 'StatefulSet') {
      spec.serviceName = name;
      spec.podManagementPolicy = 'OrderedReady';
      spec.updateStrategy = {
        type: 'RollingUpdate',
        rollingUpdate: { partition: 0 },
      };
    } else {
      spec.progressDeadlineSeconds = 600;
      spec.strategy = {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      };
    }
    const ready = mix(seed + 2) % 10 === 0 ? replicas - 1 : replicas;
    status = {
      observedGeneration: 4,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(kind === 'Deployment'
        ? {
            conditions: [
              {
                type: 'Available',
                status: 'True',
                lastUpdateTime: isoDate(seed),
                lastTransitionTime: isoDate(seed),
                reason: 'MinimumReplicasAvailable',
                message: 'Deployment has minimum availability.',
              },
              {
                type: 'Progressing',
                status: 'True',
                lastUpdateTime: isoDate(seed + 1),
                lastTransitionTime: isoDate(seed),
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${name}-6d4cf56db6" has successfully progressed.`,
              },
            ],
          }
        : {
            currentReplicas: replicas,
            currentRevision: `${name}-7c9f8d6b5`,
            updateRevision: `${name}-7c9f8d6b5`,
            collisionCount: 0,
          }),
    };
  }
  return {
    metadata: metadata(name, namespace, seed, k8sLabels(seed, name), {
      generation: 4,
      annotations: {
        'deployment.kubernetes.io/revision': '3',
        'meta.helm.sh/release-name': name,
        'meta.helm.sh/release-namespace': namespace,
      },
      managedFields: managedFields('helm', seed),
    }),
    spec,
    status,
  };
}

/** Names of the services: service i fronts deployment i when there is one. */
function serviceName(i: number, w: K8sWorld): string {
  return i < w.deployments
    ? workloadName('Deployment', i)
    : workloadName('Service', i);
}

function service(i: number, w: K8sWorld) {
  const name = serviceName(i, w);
  const namespace = namespaceName(i % w.namespaces);
  const seed = 50000 + i;
  const selector = i < w.deployments ? { app: name } : { app: `${name}-pods` };
  return {
    metadata: metadata(name, namespace, seed, k8sLabels(seed, name), {
      annotations: {
        'meta.helm.sh/release-name': name,
        'meta.helm.sh/release-namespace': namespace,
      },
      managedFields: managedFields('helm', seed),
    }),
    spec: {
      type: 'ClusterIP',
      clusterIP: ip(96, i),
      clusterIPs: [ip(96, i)],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      selector,
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}

function ingress(i: number, w: K8sWorld) {
  // An ingress lives in the namespace of the service it routes to.
  const target = i % Math.max(1, w.services);
  const backend = serviceName(target, w);
  const name = `${backend}-ing-${i}`.slice(0, 63);
  const namespace = namespaceName(target % w.namespaces);
  const seed = 60000 + i;
  return {
    metadata: metadata(name, namespace, seed, k8sLabels(seed, name), {
      annotations: {
        'cert-manager.io/cluster-issuer': 'letsencrypt',
        'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
      },
      managedFields: managedFields('helm', seed),
    }),
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: `${backend}.example.com`,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: backend, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
      tls: [
        { hosts: [`${backend}.example.com`], secretName: `${backend}-tls` },
      ],
    },
    status: {
      loadBalancer: {
        ingress: [{ ip: `35.190.${(i >> 8) & 255}.${i & 255}` }],
      },
    },
  };
}

/** Claim 2i belongs to statefulset i, claim 2i + 1 to deployment i. */
function persistentVolumeClaim(i: number, w: K8sWorld) {
  const owner = i >> 1;
  let name = `scratch-${i}`;
  let namespace = namespaceName(i % w.namespaces);
  if (i % 2 === 0 && owner < w.statefulsets) {
    name = `data-${workloadName('StatefulSet', owner)}-0`;
    namespace = namespaceName(owner % w.namespaces);
  } else if (i % 2 === 1 && owner < w.deployments) {
    name = `${workloadName('Deployment', owner)}-data`;
    namespace = namespaceName(owner % w.namespaces);
  }
  const seed = 80000 + i;
  return {
    metadata: metadata(name, namespace, seed, k8sLabels(seed, name), {
      annotations: {
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
        'volume.kubernetes.io/storage-provisioner': 'pd.csi.storage.gke.io',
      },
      finalizers: ['kubernetes.io/pvc-protection'],
      managedFields: managedFields('kube-controller-manager', seed),
    }),
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '20Gi' } },
      storageClassName: 'standard-rwo',
      volumeMode: 'Filesystem',
      volumeName: `pvc-${uuid(46, seed)}`,
    },
    status: {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '20Gi' },
      phase: 'Bound',
    },
  };
}

function namespaceObject(n: number) {
  const name = namespaceName(n);
  const seed = 70000 + n;
  return {
    metadata: metadata(name, undefined, seed, {
      'kubernetes.io/metadata.name': name,
      ...k8sLabels(seed, name),
    }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** How each collection's objects are made, by its plural. */
const K8S_ITEMS: Record<keyof K8sWorld, (i: number, w: K8sWorld) => unknown> = {
  namespaces: i => namespaceObject(i),
  deployments: (i, w) => workload('Deployment', i, w, 100000),
  statefulsets: (i, w) => workload('StatefulSet', i, w, 200000),
  daemonsets: (i, w) => workload('DaemonSet', i, w, 300000),
  services: service,
  ingresses: ingress,
  persistentvolumeclaims: persistentVolumeClaim,
};

/** The generated cluster; the source lists it cluster-wide. */
function createKubernetesEstate(total: number): KubernetesEstate {
  const world = k8sWorld(total);
  return {
    list(plural, namespace) {
      const item = K8S_ITEMS[plural as keyof K8sWorld];
      if (!item || namespace) {
        return { count: 0, item: () => undefined };
      }
      return {
        count: world[plural as keyof K8sWorld],
        item: index => item(index, world),
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Starting the servers

export type CloudServers = {
  sizes: EstateSizes;
  aws: { endpoint: string };
  azure: {
    endpoint: string;
    certificate: string;
    /** `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` of the managed identity. */
    identity: { endpoint: string; header: string };
  };
  gcp: {
    /** The source's `apiEndpoint`: `http://127.0.0.1:<port>`. */
    endpoint: string;
    /**
     * The environment that points Application Default Credentials at the
     * local metadata server (`GCE_METADATA_HOST`, `METADATA_SERVER_DETECTION`).
     */
    metadataEnv: Record<string, string>;
    /** The project the metadata server names. */
    projectId: string;
  };
  kubernetes: { url: string };
  stats: Record<keyof EstateSizes, ServerStats>;
  close(): Promise<void>;
};

/** Starts the servers on 127.0.0.1, together serving `total` resources. */
export async function startCloudServers(total: number): Promise<CloudServers> {
  const sizes = estateSizes(total);
  const [aws, azure, identity, gcp, gceMetadata, kubernetes] =
    await Promise.all([
      startFakeEc2Server(createAwsReply(sizes.aws)),
      startFakeArmServer({
        token: AZURE_TOKEN,
        reply: createAzureReply(sizes.azure),
      }),
      startFakeManagedIdentityServer({ token: AZURE_TOKEN }),
      startFakeCloudAssetServer({
        token: GCP_TOKEN,
        reply: createGcpReply(sizes.gcp),
      }),
      startFakeGceMetadataServer({
        token: GCP_TOKEN,
        projectId: GCP_METADATA_PROJECT,
      }),
      startFakeKubernetesApiServer({
        token: KUBERNETES_TOKEN,
        estate: createKubernetesEstate(sizes.kubernetes),
      }),
    ]);
  return {
    sizes,
    aws: { endpoint: aws.endpoint },
    azure: {
      endpoint: azure.endpoint,
      certificate: azure.certificate,
      identity: { endpoint: identity.endpoint, header: identity.header },
    },
    gcp: {
      endpoint: `http://127.0.0.1:${gcp.port}`,
      metadataEnv: gceMetadata.env,
      projectId: gceMetadata.projectId,
    },
    kubernetes: { url: kubernetes.url },
    stats: {
      aws: aws.stats,
      azure: azure.stats,
      gcp: gcp.stats,
      kubernetes: kubernetes.stats,
    },
    close: async () => {
      await Promise.all(
        [aws, azure, identity, gcp, gceMetadata, kubernetes].map(server =>
          server.close(),
        ),
      );
    },
  };
}
