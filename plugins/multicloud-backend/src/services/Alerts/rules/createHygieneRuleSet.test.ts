import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import { AlertFinding } from '../types';
import { cloudResource, mutableCatalog } from './__testUtils__/fixtures';
import { createHygieneRuleSet } from './createHygieneRuleSet';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const now = new Date('2026-10-20T12:00:00Z');

const ingress = (...rules: Array<[string, string, string]>) =>
  JSON.stringify(
    rules.map(([protocol, ports, source]) => ({ protocol, ports, source })),
  );

/** Crafted resources: one per condition, and its clean twin. */
const resources = [
  cloudResource('untagged-vm', {
    type: 'ec2-instance',
    title: 'Untagged VM',
    annotations: {
      'multicloud.io/default-owner': 'true',
      'multicloud.io/owner-tag': 'ghost-team',
      'backstage.io/view-url': 'https://console.aws.amazon.com/ec2/i-1',
    },
    owner: 'group:default/Platform-Team',
  }),
  cloudResource('tagged-vm', {
    type: 'ec2-instance',
    labels: { 'Cost-Center': 'cc-42' },
  }),
  cloudResource('half-tagged-vm', {
    type: 'ec2-instance',
    annotations: { 'multicloud.io/default-owner': 'true' },
    labels: { 'cost-center': 'cc-42' },
  }),
  cloudResource('web-sg', {
    type: 'security-group',
    labels: { 'cost-center': 'cc-1' },
    annotations: {
      'multicloud.io/open-ingress': ingress(
        ['tcp', '22', '0.0.0.0/0'],
        ['tcp', '5000-5500', '::/0'],
        ['tcp', '443', '0.0.0.0/0'],
      ),
    },
  }),
  cloudResource('wide-open-sg', {
    type: 'security-group',
    labels: { 'cost-center': 'cc-1' },
    annotations: {
      'multicloud.io/open-ingress': ingress(['all', 'all', '0.0.0.0/0']),
    },
  }),
  cloudResource('closed-sg', {
    type: 'security-group',
    labels: { 'cost-center': 'cc-1' },
    annotations: {
      'multicloud.io/open-ingress': ingress(
        ['tcp', '443', '0.0.0.0/0'],
        ['tcp', '80-100', '::/0'],
        ['icmp', 'all', '0.0.0.0/0'],
      ),
    },
  }),
  cloudResource('orders-db', {
    type: 'rds-instance',
    labels: { 'cost-center': 'cc-1' },
    annotations: { 'multicloud.io/public-ip': '203.0.113.10' },
  }),
  cloudResource('reports-db', {
    type: 'gcp-cloudsql-instance',
    labels: { 'cost-center': 'cc-1' },
    annotations: { 'multicloud.io/public-ip': 'true' },
  }),
  cloudResource('private-db', {
    type: 'rds-instance',
    labels: { 'cost-center': 'cc-1' },
  }),
  cloudResource('public-web', {
    type: 'ec2-instance',
    labels: { 'cost-center': 'cc-1' },
    annotations: { 'multicloud.io/public-ip': '203.0.113.11' },
  }),
  cloudResource('checkout-deploy', {
    type: 'kubernetes-deployment',
    labels: { 'cost-center': 'cc-1' },
    annotations: { 'multicloud.io/replicas': '0/3' },
  }),
  cloudResource('healthy-deploy', {
    type: 'kubernetes-deployment',
    labels: { 'cost-center': 'cc-1' },
    annotations: { 'multicloud.io/replicas': '2/2' },
  }),
  cloudResource('parked-deploy', {
    type: 'kubernetes-deployment',
    labels: { 'cost-center': 'cc-1' },
    annotations: { 'multicloud.io/replicas': '0/0' },
  }),
  // Written by hand, not by the multicloud provider: not judged.
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'hand-written-db',
      annotations: { 'multicloud.io/default-owner': 'true' },
    },
    spec: { type: 'database', owner: 'platform-team' },
  },
];

function byKey(findings: AlertFinding[]) {
  return Object.fromEntries(
    findings.map(f => [`${f.rule} ${f.entityRef} ${f.subject}`, f]),
  );
}

describe('createHygieneRuleSet', () => {
  let knex: Knex;
  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
  });

  function ruleSet(config: object = {}, entities = resources) {
    const { catalog, calls } = mutableCatalog(entities);
    const logger = mockServices.logger.mock();
    const rules = createHygieneRuleSet({
      catalog,
      auth: mockServices.auth(),
      config: new ConfigReader(config),
      logger,
    });
    return { rules, calls, logger };
  }

  it('raises each rule on the crafted resources and nothing on their clean twins', async () => {
    const { rules } = ruleSet();
    expect(rules.source).toBe('hygiene');
    const findings = await rules.evaluate({ now, knex });

    expect(Object.keys(byKey(findings)).sort()).toEqual(
      [
        'missing-tags resource:default/untagged-vm tags',
        'no-owner resource:default/untagged-vm owner',
        'missing-tags resource:default/half-tagged-vm tags',
        'no-owner resource:default/half-tagged-vm owner',
        'open-to-world resource:default/web-sg 22',
        'open-to-world resource:default/web-sg 5432',
        ...[22, 3389, 1433, 1521, 3306, 5432, 6379, 9200, 27017].map(
          port => `open-to-world resource:default/wide-open-sg ${port}`,
        ),
        'public-database resource:default/orders-db public-ip',
        'public-database resource:default/reports-db public-ip',
        'zero-replicas resource:default/checkout-deploy replicas',
      ].sort(),
    );
    for (const finding of findings) {
      expect(finding.source).toBe('hygiene');
      expect(finding.entityTitle).toBeTruthy();
      expect(finding.description.length).toBeGreaterThan(40);
    }
  });

  it('says what is wrong, who owns it and where to act', async () => {
    const { rules } = ruleSet();
    const found = byKey(await rules.evaluate({ now, knex }));

    const noOwner = found['no-owner resource:default/untagged-vm owner'];
    expect(noOwner).toMatchObject({
      severity: 'warning',
      entityTitle: 'Untagged VM',
      ownerRef: 'group:default/platform-team',
      links: [
        {
          title: 'Resource in the catalog',
          url: '/catalog/default/resource/untagged-vm',
        },
        {
          title: 'Open in the cloud console',
          url: 'https://console.aws.amazon.com/ec2/i-1',
        },
      ],
    });
    expect(noOwner.description).toContain('"ghost-team"');

    // The owner tag was there (naming an unknown group); cost-center was not.
    expect(
      found['missing-tags resource:default/untagged-vm tags'],
    ).toMatchObject({ severity: 'info', title: 'Missing tag: cost-center' });
    // The default owner and no owner tag kept: the owner tag is missing.
    expect(
      found['missing-tags resource:default/half-tagged-vm tags'],
    ).toMatchObject({ title: 'Missing tag: owner' });

    const ssh = found['open-to-world resource:default/web-sg 22'];
    expect(ssh).toMatchObject({
      severity: 'critical',
      title: 'SSH (port 22) open to the internet',
      ownerRef: 'group:default/platform-team',
    });
    expect(ssh.description).toContain('0.0.0.0/0');
    expect(
      found['open-to-world resource:default/web-sg 5432'].description,
    ).toContain('::/0');

    expect(
      found['public-database resource:default/orders-db public-ip'],
    ).toMatchObject({ severity: 'critical' });
    expect(
      found['public-database resource:default/orders-db public-ip'].description,
    ).toContain('203.0.113.10');
    expect(
      found['zero-replicas resource:default/checkout-deploy replicas'],
    ).toMatchObject({
      severity: 'critical',
      title: 'No replica available (0 of 3)',
    });
  });

  it('turns rules off, changes severities and reads the lists from config', async () => {
    const { rules } = ruleSet({
      multicloud: {
        alerts: {
          rules: {
            hygiene: {
              'no-owner': { enabled: false },
              'missing-tags': { requiredTags: ['env'], severity: 'warning' },
              'open-to-world': { ports: [443, 8080], severity: 'warning' },
              'public-database': { types: ['ec2-instance'] },
              'zero-replicas': { enabled: false },
            },
          },
        },
      },
    });
    const findings = await rules.evaluate({ now, knex });
    const rulesSeen = new Set(findings.map(f => f.rule));
    expect(rulesSeen).toEqual(
      new Set(['missing-tags', 'open-to-world', 'public-database']),
    );
    const found = byKey(findings);
    expect(
      Object.keys(found)
        .filter(k => k.startsWith('open-to-world'))
        .sort(),
    ).toEqual([
      'open-to-world resource:default/closed-sg 443',
      'open-to-world resource:default/web-sg 443',
      'open-to-world resource:default/wide-open-sg 443',
      'open-to-world resource:default/wide-open-sg 8080',
    ]);
    expect(
      findings.filter(f => f.rule === 'missing-tags').map(f => f.severity),
    ).toEqual(new Array(13).fill('warning'));
    expect(found['missing-tags resource:default/tagged-vm tags'].title).toBe(
      'Missing tag: env',
    );
    expect(
      Object.keys(found).filter(k => k.startsWith('public-database')),
    ).toEqual(['public-database resource:default/public-web public-ip']);
  });

  it('reads the catalog a page at a time, only cloud resources and only the fields it needs', async () => {
    const many = Array.from({ length: 2100 }, (_, i) =>
      cloudResource(`vm-${i}`, {
        type: 'ec2-instance',
        labels: { 'cost-center': 'cc-1' },
        annotations:
          i % 700 === 0 ? { 'multicloud.io/default-owner': 'true' } : {},
      }),
    );
    const { rules, calls } = ruleSet({}, many);
    const findings = await rules.evaluate({ now, knex });
    expect(findings.map(f => f.entityRef).sort()).toEqual(
      [
        'resource:default/vm-0',
        'resource:default/vm-0',
        'resource:default/vm-1400',
        'resource:default/vm-1400',
        'resource:default/vm-700',
        'resource:default/vm-700',
      ].sort(),
    );
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatchObject({
      filter: {
        kind: 'Resource',
        'metadata.annotations.multicloud.io/provider': expect.anything(),
      },
      limit: 1000,
    });
    for (const call of calls) {
      expect(call?.fields).toEqual([
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'metadata.annotations',
        'spec.type',
        'spec.owner',
        'metadata.labels',
      ]);
    }
  });

  it('skips annotations that do not parse, and says so once', async () => {
    const { rules, logger } = ruleSet({}, [
      cloudResource('broken-sg', {
        type: 'security-group',
        labels: { 'cost-center': 'cc-1' },
        annotations: { 'multicloud.io/open-ingress': '22 from anywhere' },
      }),
      cloudResource('broken-sg-2', {
        type: 'security-group',
        labels: { 'cost-center': 'cc-1' },
        annotations: { 'multicloud.io/open-ingress': '{"ports": "22"}' },
      }),
      cloudResource('odd-deploy', {
        type: 'kubernetes-deployment',
        labels: { 'cost-center': 'cc-1' },
        annotations: { 'multicloud.io/replicas': 'none' },
      }),
    ]);
    expect(await rules.evaluate({ now, knex })).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      'Hygiene rules skipped 2 resource(s) whose multicloud.io/open-ingress annotation does not parse, for example resource:default/broken-sg',
    );
  });

  it('fails when the catalog cannot be read, so that no alert is resolved', async () => {
    const { catalog } = mutableCatalog([]);
    const rules = createHygieneRuleSet({
      catalog: {
        ...catalog,
        queryEntities: () => Promise.reject(new Error('catalog is down')),
      } as typeof catalog,
      auth: mockServices.auth(),
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
    });
    await expect(rules.evaluate({ now, knex })).rejects.toThrow(
      'catalog is down',
    );
  });
});
