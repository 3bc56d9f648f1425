import { ConfigReader } from '@backstage/config';
import { readAlertRulesConfig } from './config';

const withRules = (rules: object) =>
  new ConfigReader({ multicloud: { alerts: { rules } } });

describe('readAlertRulesConfig', () => {
  it('turns every rule on with its default severity and lists', () => {
    const config = readAlertRulesConfig(new ConfigReader({}));
    expect(config.cost).toMatchObject({
      budgetExceeded: { enabled: true, severity: 'critical' },
      forecastOverBudget: { enabled: true, severity: 'critical' },
      forecastMayExceedBudget: { enabled: true, severity: 'warning' },
      costAnomaly: { enabled: true, severity: 'warning' },
      costDrop: { enabled: true, severity: 'info' },
      forecastLevel: 0.8,
      anomalies: { kinds: ['component', 'system'], lookbackDays: 7 },
    });
    expect(config.hygiene).toMatchObject({
      noOwner: { enabled: true, severity: 'warning' },
      missingTags: {
        severity: 'info',
        requiredTags: ['owner', 'cost-center'],
        ownerTagKeys: ['owner', 'team'],
      },
      openToWorld: {
        severity: 'critical',
        ports: [22, 3389, 1433, 1521, 3306, 5432, 6379, 9200, 27017],
      },
      publicDatabase: { severity: 'critical' },
      zeroReplicas: { severity: 'critical' },
    });
    expect(config.hygiene.publicDatabase.types).toEqual(
      expect.arrayContaining([
        'rds-instance',
        'azure-sql-server',
        'gcp-cloudsql-instance',
      ]),
    );
    expect(config.savings).toMatchObject({
      windowDays: 30,
      unattachedVolume: {
        severity: 'info',
        types: ['ebs-volume', 'azure-disk', 'gcp-compute-disk'],
      },
      unassociatedIp: {
        types: ['elastic-ip', 'azure-public-ip', 'gcp-address'],
      },
      stoppedInstance: { statuses: expect.arrayContaining(['stopped']) },
      deletedOwner: { severity: 'warning' },
      idleNatGateway: { types: expect.arrayContaining(['nat-gateway']) },
    });
  });

  it('reads switches, severities and tuning', () => {
    const config = readAlertRulesConfig(
      withRules({
        cost: {
          'cost-anomaly': { enabled: false },
          forecastLevel: 0.9,
          anomalies: { kinds: ['Component', 'Domain'], lookbackDays: 3 },
        },
        hygiene: {
          'open-to-world': { ports: [22, '8080'] },
          'missing-tags': { severity: 'warning', requiredTags: ['env'] },
        },
        savings: {
          windowDays: 14,
          'stopped-instance': { statuses: ['Stopped'] },
        },
      }),
    );
    expect(config.cost.costAnomaly.enabled).toBe(false);
    expect(config.cost.forecastLevel).toBe(0.9);
    expect(config.cost.anomalies).toMatchObject({
      kinds: ['component', 'domain'],
      lookbackDays: 3,
    });
    expect(config.hygiene.openToWorld.ports).toEqual([22, 8080]);
    expect(config.hygiene.missingTags).toMatchObject({
      severity: 'warning',
      requiredTags: ['env'],
    });
    expect(config.savings.windowDays).toBe(14);
    expect(config.savings.stoppedInstance.statuses).toEqual(['stopped']);
  });

  it.each([
    [
      { hygiene: { 'no-owner': { severity: 'urgent' } } },
      'multicloud.alerts.rules.hygiene.no-owner.severity must be one of critical, warning, info; got "urgent"',
    ],
    [
      { hygiene: { 'open-to-world': { ports: [22, 70000] } } },
      'multicloud.alerts.rules.hygiene.open-to-world.ports must hold port numbers from 1 to 65535; got 70000',
    ],
    [
      { hygiene: { 'missing-tags': { requiredTags: [] } } },
      'multicloud.alerts.rules.hygiene.missing-tags.requiredTags must list at least one value',
    ],
    [
      { cost: { forecastLevel: 80 } },
      'multicloud.alerts.rules.cost.forecastLevel must be between 0 and 1',
    ],
    [
      { savings: { windowDays: 0 } },
      'multicloud.alerts.rules.savings.windowDays must be a whole number of days of at least 1',
    ],
  ])('refuses %j with a message naming the key', (rules, message) => {
    expect(() => readAlertRulesConfig(withRules(rules))).toThrow(message);
  });
});
