import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ALERT_SEVERITIES,
  AlertSeverity,
  DATABASE_RESOURCE_TYPES,
  resourceTypeFor,
} from '@multicloud/plugin-multicloud-common';

const ROOT = 'multicloud.alerts.rules';

/** Whether a rule runs, and how urgent its findings are. */
export type RuleSettings = { enabled: boolean; severity: AlertSeverity };

/** `multicloud.alerts.rules.cost` with its defaults. */
export type CostRulesConfig = {
  budgetExceeded: RuleSettings;
  forecastOverBudget: RuleSettings;
  forecastMayExceedBudget: RuleSettings;
  costAnomaly: RuleSettings;
  costDrop: RuleSettings;
  /** Coverage of the forecast interval whose lower bound decides `forecast-over-budget`. */
  forecastLevel: number;
  anomalies: {
    /** Entity kinds (lower case) whose daily cost is watched. */
    kinds: string[];
    /** Anomalies of the last this many days (up to the last day with cost data) are raised. */
    lookbackDays: number;
    minAbsolute?: number;
    minPercent?: number;
    threshold?: number;
  };
};

/** `multicloud.alerts.rules.hygiene` with its defaults. */
export type HygieneRulesConfig = {
  noOwner: RuleSettings;
  missingTags: RuleSettings & {
    requiredTags: string[];
    /** Tag keys the entity provider turns into the owner instead of a label. */
    ownerTagKeys: string[];
  };
  openToWorld: RuleSettings & { ports: number[] };
  publicDatabase: RuleSettings & { types: string[] };
  zeroReplicas: RuleSettings;
};

/** `multicloud.alerts.rules.savings` with its defaults. */
export type SavingsRulesConfig = {
  /** Days of cost a monthly saving is estimated from. */
  windowDays: number;
  unattachedVolume: RuleSettings & { types: string[] };
  unassociatedIp: RuleSettings & { types: string[] };
  stoppedInstance: RuleSettings & {
    types: string[];
    volumeTypes: string[];
    statuses: string[];
  };
  deletedOwner: RuleSettings;
  idleNatGateway: RuleSettings & { types: string[] };
};

export type AlertRulesConfig = {
  cost: CostRulesConfig;
  hygiene: HygieneRulesConfig;
  savings: SavingsRulesConfig;
};

export const DEFAULT_SENSITIVE_PORTS = [
  22, 3389, 1433, 1521, 3306, 5432, 6379, 9200, 27017,
];

export const DEFAULT_REQUIRED_TAGS = ['owner', 'cost-center'];
export const DEFAULT_OWNER_TAG_KEYS = ['owner', 'team'];

/** Managed databases, caches and search clusters that can be given a public address. */
export const DEFAULT_DATABASE_TYPES = [...DATABASE_RESOURCE_TYPES];

export const DEFAULT_VOLUME_TYPES = [
  'ebs-volume',
  'azure-disk',
  'gcp-compute-disk',
];
export const DEFAULT_IP_TYPES = [
  'elastic-ip',
  'azure-public-ip',
  'gcp-address',
];
export const DEFAULT_INSTANCE_TYPES = [
  'ec2-instance',
  'azure-virtual-machine',
  'gcp-compute-instance',
];
/**
 * States of a stopped instance as the providers word them: EC2 `stopped`,
 * Compute Engine `TERMINATED` (stopped) and `SUSPENDED`, Azure power states.
 * An EC2 instance that is really terminated has no volumes and no cost left,
 * so it raises nothing.
 */
export const DEFAULT_STOPPED_STATUSES = [
  'stopped',
  'terminated',
  'suspended',
  'deallocated',
  'vm deallocated',
  'vm stopped',
  'powerstate/deallocated',
  'powerstate/stopped',
];
export const DEFAULT_NAT_GATEWAY_TYPES = [
  'nat-gateway',
  resourceTypeFor('azure', 'Microsoft.Network/natGateways'),
];

function settings(
  section: Config | undefined,
  path: string,
  id: string,
  defaultSeverity: AlertSeverity,
): RuleSettings {
  const rule = section?.getOptionalConfig(id);
  const severity = rule?.getOptionalString('severity') ?? defaultSeverity;
  if (!(ALERT_SEVERITIES as readonly string[]).includes(severity)) {
    throw new InputError(
      `${ROOT}.${path}.${id}.severity must be one of ${ALERT_SEVERITIES.join(
        ', ',
      )}; got "${severity}"`,
    );
  }
  return {
    enabled: rule?.getOptionalBoolean('enabled') ?? true,
    severity: severity as AlertSeverity,
  };
}

function nonEmptyStrings(
  value: string[] | undefined,
  key: string,
  fallback: string[],
): string[] {
  const list = (value ?? fallback).map(v => v.trim()).filter(Boolean);
  if (value && list.length === 0) {
    throw new InputError(
      `${ROOT}.${key} must list at least one value, or be left out for the default (${fallback.join(
        ', ',
      )}); turn the rule off with enabled: false instead`,
    );
  }
  return list;
}

function number(
  section: Config | undefined,
  key: string,
  path: string,
  check: (n: number) => boolean,
  expected: string,
): number | undefined {
  const value = section?.getOptionalNumber(key);
  if (value !== undefined && !check(value)) {
    throw new InputError(
      `${ROOT}.${path}.${key} must be ${expected}; got ${value}`,
    );
  }
  return value;
}

const wholeAtLeast = (min: number) => (n: number) =>
  Number.isInteger(n) && n >= min;

function readCost(cost: Config | undefined): CostRulesConfig {
  const anomalies = cost?.getOptionalConfig('anomalies');
  const kinds = nonEmptyStrings(
    anomalies?.getOptionalStringArray('kinds'),
    'cost.anomalies.kinds',
    ['component', 'system'],
  ).map(k => k.toLocaleLowerCase('en-US'));
  return {
    budgetExceeded: settings(cost, 'cost', 'budget-exceeded', 'critical'),
    forecastOverBudget: settings(
      cost,
      'cost',
      'forecast-over-budget',
      'critical',
    ),
    forecastMayExceedBudget: settings(
      cost,
      'cost',
      'forecast-may-exceed-budget',
      'warning',
    ),
    costAnomaly: settings(cost, 'cost', 'cost-anomaly', 'warning'),
    costDrop: settings(cost, 'cost', 'cost-drop', 'info'),
    forecastLevel:
      number(
        cost,
        'forecastLevel',
        'cost',
        n => n > 0 && n < 1,
        'between 0 and 1 (exclusive), for example 0.8',
      ) ?? 0.8,
    anomalies: {
      kinds,
      lookbackDays:
        number(
          anomalies,
          'lookbackDays',
          'cost.anomalies',
          wholeAtLeast(1),
          'a whole number of days of at least 1, for example 7',
        ) ?? 7,
      minAbsolute: number(
        anomalies,
        'minAbsolute',
        'cost.anomalies',
        n => n >= 0,
        'an amount of at least 0, for example 10',
      ),
      minPercent: number(
        anomalies,
        'minPercent',
        'cost.anomalies',
        n => n >= 0,
        'a fraction of at least 0, for example 0.2 for 20%',
      ),
      threshold: number(
        anomalies,
        'threshold',
        'cost.anomalies',
        n => n > 0,
        'a positive robust z-score, for example 3.5',
      ),
    },
  };
}

function readPorts(openToWorld: Config | undefined): number[] {
  const key = `${ROOT}.hygiene.open-to-world.ports`;
  if (!openToWorld?.has('ports')) {
    return DEFAULT_SENSITIVE_PORTS;
  }
  const raw = openToWorld.get<unknown>('ports');
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new InputError(
      `${key} must be a non-empty list of port numbers, for example [22, 3389]`,
    );
  }
  return raw.map(value => {
    const port = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof port !== 'number' || !wholeAtLeast(1)(port) || port > 65535) {
      throw new InputError(
        `${key} must hold port numbers from 1 to 65535; got ${JSON.stringify(
          value,
        )}`,
      );
    }
    return port;
  });
}

function readHygiene(hygiene: Config | undefined): HygieneRulesConfig {
  const missingTags = hygiene?.getOptionalConfig('missing-tags');
  const openToWorld = hygiene?.getOptionalConfig('open-to-world');
  const publicDatabase = hygiene?.getOptionalConfig('public-database');
  return {
    noOwner: settings(hygiene, 'hygiene', 'no-owner', 'warning'),
    missingTags: {
      ...settings(hygiene, 'hygiene', 'missing-tags', 'info'),
      requiredTags: nonEmptyStrings(
        missingTags?.getOptionalStringArray('requiredTags'),
        'hygiene.missing-tags.requiredTags',
        DEFAULT_REQUIRED_TAGS,
      ),
      ownerTagKeys: (
        missingTags?.getOptionalStringArray('ownerTagKeys') ??
        DEFAULT_OWNER_TAG_KEYS
      ).map(k => k.trim()),
    },
    openToWorld: {
      ...settings(hygiene, 'hygiene', 'open-to-world', 'critical'),
      ports: readPorts(openToWorld),
    },
    publicDatabase: {
      ...settings(hygiene, 'hygiene', 'public-database', 'critical'),
      types: nonEmptyStrings(
        publicDatabase?.getOptionalStringArray('types'),
        'hygiene.public-database.types',
        DEFAULT_DATABASE_TYPES,
      ),
    },
    zeroReplicas: settings(hygiene, 'hygiene', 'zero-replicas', 'critical'),
  };
}

function readSavings(savings: Config | undefined): SavingsRulesConfig {
  const types = (id: string, fallback: string[]) =>
    nonEmptyStrings(
      savings?.getOptionalConfig(id)?.getOptionalStringArray('types'),
      `savings.${id}.types`,
      fallback,
    );
  const stopped = savings?.getOptionalConfig('stopped-instance');
  return {
    windowDays:
      number(
        savings,
        'windowDays',
        'savings',
        wholeAtLeast(1),
        'a whole number of days of at least 1, for example 30',
      ) ?? 30,
    unattachedVolume: {
      ...settings(savings, 'savings', 'unattached-volume', 'info'),
      types: types('unattached-volume', DEFAULT_VOLUME_TYPES),
    },
    unassociatedIp: {
      ...settings(savings, 'savings', 'unassociated-ip', 'info'),
      types: types('unassociated-ip', DEFAULT_IP_TYPES),
    },
    stoppedInstance: {
      ...settings(savings, 'savings', 'stopped-instance', 'info'),
      types: types('stopped-instance', DEFAULT_INSTANCE_TYPES),
      volumeTypes: nonEmptyStrings(
        stopped?.getOptionalStringArray('volumeTypes'),
        'savings.stopped-instance.volumeTypes',
        DEFAULT_VOLUME_TYPES,
      ),
      statuses: nonEmptyStrings(
        stopped?.getOptionalStringArray('statuses'),
        'savings.stopped-instance.statuses',
        DEFAULT_STOPPED_STATUSES,
      ).map(s => s.toLocaleLowerCase('en-US')),
    },
    deletedOwner: settings(savings, 'savings', 'deleted-owner', 'warning'),
    idleNatGateway: {
      ...settings(savings, 'savings', 'idle-nat-gateway', 'info'),
      types: types('idle-nat-gateway', DEFAULT_NAT_GATEWAY_TYPES),
    },
  };
}

/**
 * Reads `multicloud.alerts.rules` (documented in config.d.ts): every rule
 * is on by default and can be turned off or given another severity.
 * @throws InputError naming the key when a value is not usable.
 */
export function readAlertRulesConfig(root: Config): AlertRulesConfig {
  const rules = root.getOptionalConfig(ROOT);
  return {
    cost: readCost(rules?.getOptionalConfig('cost')),
    hygiene: readHygiene(rules?.getOptionalConfig('hygiene')),
    savings: readSavings(rules?.getOptionalConfig('savings')),
  };
}
