import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AlertFinding } from '../types';
import {
  catalogEntity,
  cloudResource,
  costStore,
  dailyRows,
  mutableCatalog,
} from './__testUtils__/fixtures';
import { createSavingsRuleSet } from './createSavingsRuleSet';

jest.setTimeout(60_000);

const databases = TestDatabases.create();
/** Cost data ends the day before: the window is 2026-09-20 to 2026-10-19. */
const now = new Date('2026-10-20T12:00:00Z');
const MONTH = 365.25 / 12;

const catalogEntities = [
  catalogEntity('group:default/platform-team'),
  cloudResource('vol-free', {
    type: 'ebs-volume',
    title: 'Scratch volume',
    resourceId: 'vol-free',
    annotations: {
      'multicloud.io/attached': 'false',
      'backstage.io/view-url': 'https://console.aws.amazon.com/ec2/vol-free',
    },
  }),
  cloudResource('vol-new', {
    type: 'ebs-volume',
    resourceId: 'vol-new',
    annotations: { 'multicloud.io/attached': 'false' },
  }),
  cloudResource('vol-used', {
    type: 'ebs-volume',
    resourceId: 'vol-used',
    annotations: { 'multicloud.io/attached': 'true' },
    dependsOn: ['resource:web-1'],
  }),
  cloudResource('web-1', {
    type: 'ec2-instance',
    resourceId: 'i-web',
    annotations: { 'multicloud.io/status': 'running' },
  }),
  cloudResource('eip-free', {
    type: 'elastic-ip',
    resourceId: 'eipalloc-free',
    annotations: { 'multicloud.io/attached': 'false' },
  }),
  cloudResource('eip-used', {
    type: 'elastic-ip',
    resourceId: 'eipalloc-used',
    annotations: { 'multicloud.io/attached': 'true' },
  }),
  cloudResource('batch-vm', {
    type: 'ec2-instance',
    resourceId: 'i-batch',
    annotations: { 'multicloud.io/status': 'stopped' },
  }),
  cloudResource('vol-b1', {
    type: 'ebs-volume',
    resourceId: 'vol-b1',
    annotations: { 'multicloud.io/attached': 'true' },
    dependsOn: ['resource:default/batch-vm'],
  }),
  cloudResource('vol-b2', {
    type: 'ebs-volume',
    resourceId: 'vol-b2',
    owner: 'group:default/ghost-team',
    annotations: { 'multicloud.io/attached': 'true' },
    dependsOn: ['batch-vm'],
  }),
  cloudResource('spare-vm', {
    type: 'ec2-instance',
    resourceId: 'i-spare',
    annotations: { 'multicloud.io/status': 'stopped' },
  }),
  cloudResource('nat-idle', {
    type: 'nat-gateway',
    resourceId: 'nat-idle',
  }),
  cloudResource('nat-busy', {
    type: 'nat-gateway',
    resourceId: 'nat-busy',
  }),
  cloudResource('nat-new', {
    type: 'nat-gateway',
    resourceId: 'nat-new',
  }),
  cloudResource('old-bucket', {
    type: 's3-bucket',
    resourceId: 'arn:aws:s3:::old-bucket',
    owner: 'ghost-team',
  }),
  cloudResource('tagged-orphan', {
    type: 's3-bucket',
    resourceId: 'arn:aws:s3:::tagged-orphan',
    annotations: {
      'multicloud.io/default-owner': 'true',
      'multicloud.io/owner-tag': 'gone-team',
    },
  }),
  cloudResource('user-owned', {
    type: 's3-bucket',
    owner: 'user:default/jane',
  }),
];

/** Daily cost facts, from before the window. */
const costRows = [
  // Larger before the window, to show those days are left out.
  ...dailyRows('2026-09-01', '2026-10-19', d => (d < '2026-09-20' ? 3 : 1.5), {
    ResourceId: 'vol-free',
    ServiceName: 'Amazon Elastic Block Store',
    ServiceCategory: 'Storage',
    ConsumedUnit: 'GB-Mo',
  }),
  ...dailyRows('2026-09-01', '2026-10-19', () => 0.8, {
    ResourceId: 'vol-used',
    ServiceCategory: 'Storage',
    ConsumedUnit: 'GB-Mo',
  }),
  ...dailyRows('2026-09-01', '2026-10-19', () => 5, { ResourceId: 'i-web' }),
  // Reserved ten days ago: its monthly cost is scaled from those days.
  ...dailyRows('2026-10-10', '2026-10-19', () => 0.12, {
    ResourceId: 'eipalloc-free',
    ConsumedUnit: 'Hrs',
  }),
  ...dailyRows('2026-09-01', '2026-10-19', () => 0.12, {
    ResourceId: 'eipalloc-used',
    ConsumedUnit: 'Hrs',
  }),
  ...dailyRows('2026-09-01', '2026-10-19', () => 2, {
    ResourceId: 'vol-b1',
    ServiceCategory: 'Storage',
    ConsumedUnit: 'GB-Mo',
  }),
  ...dailyRows('2026-09-01', '2026-10-19', () => 1, {
    ResourceId: 'vol-b2',
    ServiceCategory: 'Storage',
    ConsumedUnit: 'GB-Mo',
  }),
  // Dearer in the last five days (the window of the config test).
  ...dailyRows(
    '2026-09-01',
    '2026-10-19',
    d => (d < '2026-10-15' ? 1.08 : 2.16),
    {
      ResourceId: 'nat-idle',
      ServiceCategory: 'Networking',
      ConsumedUnit: 'Hours',
    },
  ),
  ...dailyRows('2026-09-01', '2026-10-19', () => 1.08, {
    ResourceId: 'nat-busy',
    ServiceCategory: 'Networking',
    ConsumedUnit: 'Hours',
  }),
  ...dailyRows('2026-09-01', '2026-10-19', () => 0.9, {
    ResourceId: 'nat-busy',
    ServiceCategory: 'Networking',
    ConsumedUnit: 'GB',
    ConsumedQuantity: 20,
  }),
  ...dailyRows('2026-09-01', '2026-10-19', () => 0.4, {
    ResourceId: 'arn:aws:s3:::old-bucket',
    ServiceName: 'Amazon Simple Storage Service',
    ServiceCategory: 'Storage',
    ConsumedUnit: 'GB-Mo',
  }),
];

const key = (f: AlertFinding) => `${f.rule} ${f.entityRef} ${f.subject}`;
const monthly = (perDay: number, days: number) =>
  Math.round(((perDay * days) / days) * MONTH * 100) / 100;
const natMonthly =
  Math.round(((25 * 1.08 + 5 * 2.16) / 30) * MONTH * 100) / 100;

describe('createSavingsRuleSet', () => {
  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setUp(config: object = {}) {
      const { catalog, calls } = mutableCatalog(catalogEntities);
      const store = await costStore(databases, databaseId, catalog);
      const rules = createSavingsRuleSet({
        catalog,
        auth: mockServices.auth(),
        config: new ConfigReader(config),
        logger: mockServices.logger.mock(),
      });
      return { ...store, rules, calls };
    }

    it('recommends each saving with the monthly amount from the resource’s own cost', async () => {
      const { knex, importRows, rules, cleanUp } = await setUp();
      try {
        await importRows(costRows);
        const findings = await rules.evaluate({ now, knex });
        const found = Object.fromEntries(findings.map(f => [key(f), f]));

        expect(Object.keys(found).sort()).toEqual(
          [
            'unattached-volume resource:default/vol-free unattached',
            'unattached-volume resource:default/vol-new unattached',
            'unassociated-ip resource:default/eip-free unassociated',
            'stopped-instance resource:default/batch-vm stopped',
            'idle-nat-gateway resource:default/nat-idle idle',
            'deleted-owner resource:default/vol-b2 group:default/ghost-team',
            'deleted-owner resource:default/old-bucket group:default/ghost-team',
            'deleted-owner resource:default/tagged-orphan group:default/gone-team',
          ].sort(),
        );

        expect(
          found['unattached-volume resource:default/vol-free unattached'],
        ).toMatchObject({
          source: 'savings',
          severity: 'info',
          entityTitle: 'Scratch volume',
          ownerRef: 'group:default/platform-team',
          monthlySaving: { amount: monthly(1.5, 30), currency: 'USD' },
          links: [
            { url: '/catalog/default/resource/vol-free' },
            { url: 'https://console.aws.amazon.com/ec2/vol-free' },
          ],
        });
        expect(
          found['unattached-volume resource:default/vol-free unattached'].title,
        ).toBe('Unattached volume: about $45.66 a month');

        const fresh =
          found['unattached-volume resource:default/vol-new unattached'];
        expect(fresh.monthlySaving).toBeUndefined();
        expect(fresh.description).toContain('no cost data');

        expect(
          found['unassociated-ip resource:default/eip-free unassociated']
            .monthlySaving,
        ).toEqual({ amount: monthly(0.12, 10), currency: 'USD' });

        const stopped =
          found['stopped-instance resource:default/batch-vm stopped'];
        expect(stopped.monthlySaving).toEqual({
          amount: monthly(3, 30),
          currency: 'USD',
        });
        expect(stopped.description).toContain('its 2 attached volumes');

        expect(
          found['idle-nat-gateway resource:default/nat-idle idle']
            .monthlySaving,
        ).toEqual({ amount: natMonthly, currency: 'USD' });

        // vol-b2's cost is in the stopped instance's saving already.
        const orphanVolume =
          found[
            'deleted-owner resource:default/vol-b2 group:default/ghost-team'
          ];
        expect(orphanVolume).toMatchObject({
          severity: 'warning',
          ownerRef: 'group:default/ghost-team',
        });
        expect(orphanVolume.monthlySaving).toBeUndefined();
        expect(orphanVolume.description).toContain('another recommendation');
        expect(
          found[
            'deleted-owner resource:default/old-bucket group:default/ghost-team'
          ].monthlySaving,
        ).toEqual({ amount: monthly(0.4, 30), currency: 'USD' });
        expect(
          found[
            'deleted-owner resource:default/tagged-orphan group:default/gone-team'
          ].description,
        ).toContain('carries an owner tag naming group:default/gone-team');

        const total = findings.reduce(
          (sum, f) => sum + (f.monthlySaving?.amount ?? 0),
          0,
        );
        expect(total).toBeCloseTo(
          monthly(1.5, 30) +
            monthly(0.12, 10) +
            monthly(3, 30) +
            natMonthly +
            monthly(0.4, 30),
          2,
        );
      } finally {
        cleanUp();
      }
    });

    it('still recommends before any cost is imported, without amounts', async () => {
      const { knex, rules, cleanUp } = await setUp();
      try {
        const findings = await rules.evaluate({ now, knex });
        expect(findings.map(key).sort()).toEqual(
          [
            'unattached-volume resource:default/vol-free unattached',
            'unattached-volume resource:default/vol-new unattached',
            'unassociated-ip resource:default/eip-free unassociated',
            // Its volumes bill, whatever the cost data says.
            'stopped-instance resource:default/batch-vm stopped',
            'deleted-owner resource:default/vol-b2 group:default/ghost-team',
            'deleted-owner resource:default/old-bucket group:default/ghost-team',
            'deleted-owner resource:default/tagged-orphan group:default/gone-team',
          ].sort(),
        );
        expect(findings.every(f => f.monthlySaving === undefined)).toBe(true);
      } finally {
        cleanUp();
      }
    });

    it('does not call every owner deleted when the catalog holds no groups', async () => {
      const { catalog } = mutableCatalog(
        catalogEntities.filter(e => e.kind !== 'Group'),
      );
      const store = await costStore(databases, databaseId, catalog);
      const logger = mockServices.logger.mock();
      const rules = createSavingsRuleSet({
        catalog,
        auth: mockServices.auth(),
        config: new ConfigReader({}),
        logger,
      });
      try {
        const findings = await rules.evaluate({ now, knex: store.knex });
        expect(findings.filter(f => f.rule === 'deleted-owner')).toEqual([]);
        expect(findings.length).toBeGreaterThan(0);
        expect(logger.warn).toHaveBeenCalledWith(
          'Savings rule deleted-owner skipped: the catalog holds no Group entities',
        );
      } finally {
        store.cleanUp();
      }
    });

    it('turns rules off and changes severities and the window from config', async () => {
      const { knex, importRows, rules, calls, cleanUp } = await setUp({
        multicloud: {
          alerts: {
            rules: {
              savings: {
                windowDays: 5,
                'unattached-volume': { enabled: false },
                'deleted-owner': { enabled: false },
                'idle-nat-gateway': { severity: 'warning' },
              },
            },
          },
        },
      });
      try {
        await importRows(costRows);
        const findings = await rules.evaluate({ now, knex });
        expect(findings.map(key).sort()).toEqual(
          [
            'unassociated-ip resource:default/eip-free unassociated',
            'stopped-instance resource:default/batch-vm stopped',
            'idle-nat-gateway resource:default/nat-idle idle',
          ].sort(),
        );
        const nat = findings.find(f => f.rule === 'idle-nat-gateway')!;
        expect(nat.severity).toBe('warning');
        expect(nat.description).toContain('the last 5 days');
        expect(nat.monthlySaving).toEqual({
          amount: monthly(2.16, 5),
          currency: 'USD',
        });
        // Without deleted-owner, the groups are not read.
        expect(
          calls
            .filter(c => c && 'filter' in c && c.filter)
            .map(c => (c && 'filter' in c ? c.filter : undefined)),
        ).not.toContainEqual({ kind: 'Group' });
      } finally {
        cleanUp();
      }
    });
  });
});
