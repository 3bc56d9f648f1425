import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MULTICLOUD_ANNOTATIONS } from '@multicloud/plugin-multicloud-common';
import { AlertFinding, AlertRuleSet } from '../types';
import { HygieneRulesConfig, readAlertRulesConfig } from './config';
import {
  CLOUD_RESOURCE_FILTER,
  RESOURCE_FIELDS,
  catalogPages,
  isTagLabel,
  lowerCase,
  ownerRefOf,
  refOf,
  resourceLinks,
  titleOf,
} from './entities';

const PORT_NAMES: Record<number, string> = {
  22: 'SSH',
  3389: 'Remote Desktop',
  1433: 'SQL Server',
  1521: 'Oracle',
  3306: 'MySQL',
  5432: 'PostgreSQL',
  6379: 'Redis',
  9200: 'Elasticsearch',
  27017: 'MongoDB',
};

/** Protocols without ports: an open ICMP rule exposes no service. */
const PORTLESS_PROTOCOLS = new Set(['icmp', 'icmpv6', '1', '58']);
const ALL_PORTS = new Set(['all', '*', 'any', '-1', '']);

type IngressRule = { protocol: string; ports: string; source: string };

/** A tag key as the provider turns it into a label key, compared without case. */
export function tagKey(key: string): string {
  return lowerCase(key)
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
}

/** The open-ingress annotation's rules, or undefined when it is not the documented JSON. */
export function parseOpenIngress(value: string): IngressRule[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) {
    return undefined;
  }
  const rules: IngressRule[] = [];
  for (const item of parsed) {
    if (!item || typeof item !== 'object') {
      return undefined;
    }
    const { protocol, ports, source } = item as Record<string, unknown>;
    const text = (v: unknown) =>
      typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
    rules.push({
      protocol: lowerCase(text(protocol)),
      ports: lowerCase(text(ports)),
      source: text(source),
    });
  }
  return rules;
}

/** Which of `sensitive` an ingress rule's ports cover (`22`, `80-443`, `22,3389`, `all`). */
export function coveredPorts(rule: IngressRule, sensitive: number[]): number[] {
  if (PORTLESS_PROTOCOLS.has(rule.protocol)) {
    return [];
  }
  if (ALL_PORTS.has(rule.ports)) {
    return sensitive;
  }
  const covered = new Set<number>();
  for (const part of rule.ports.split(',')) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = range[2] === undefined ? from : Number(range[2]);
      for (const port of sensitive) {
        if (port >= from && port <= to) {
          covered.add(port);
        }
      }
    }
  }
  return sensitive.filter(port => covered.has(port));
}

const portName = (port: number) =>
  PORT_NAMES[port] ? `${PORT_NAMES[port]} (port ${port})` : `Port ${port}`;

/** `a, b and c` */
function listOf(items: string[]): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
    : items[0] ?? '';
}

/** What one resource breaks of the hygiene rules. */
export function hygieneFindings(
  entity: Entity,
  rules: HygieneRulesConfig,
  onMalformed: (what: string, ref: string) => void,
): AlertFinding[] {
  const ref = refOf(entity);
  const annotations = entity.metadata.annotations ?? {};
  const title = titleOf(entity);
  const type = String(entity.spec?.type ?? '');
  const findings: AlertFinding[] = [];
  const base = {
    source: 'hygiene' as const,
    entityRef: ref,
    entityTitle: title,
    ownerRef: ownerRefOf(entity),
    links: resourceLinks(entity, ref),
  };

  if (
    rules.noOwner.enabled &&
    annotations[MULTICLOUD_ANNOTATIONS.defaultOwner] === 'true'
  ) {
    const ownerTag = annotations[MULTICLOUD_ANNOTATIONS.ownerTag];
    findings.push({
      ...base,
      rule: 'no-owner',
      subject: 'owner',
      severity: rules.noOwner.severity,
      title: 'No owner: the default owner was used',
      description: `${
        ownerTag
          ? `The owner tag of ${title} says "${ownerTag}", which is no Group in the catalog`
          : `${title} has no owner tag`
      }, so it was given its source's default owner ${String(
        entity.spec?.owner ?? '',
      )}. Tag it with the team that runs it (an owner or team tag naming a catalog Group), so that its alerts and cost reach that team.`,
    });
  }

  if (rules.missingTags.enabled) {
    const present = new Set<string>();
    for (const key of Object.keys(entity.metadata.labels ?? {})) {
      if (isTagLabel(key)) {
        present.add(tagKey(key.slice(key.lastIndexOf('/') + 1)));
      }
    }
    const ownerKeys = new Set(rules.missingTags.ownerTagKeys.map(tagKey));
    // Owner tags become the owner, not labels: present when one named a
    // known group (no default owner) or was kept as the unknown owner tag.
    const hasOwnerTag =
      annotations[MULTICLOUD_ANNOTATIONS.defaultOwner] !== 'true' ||
      Boolean(annotations[MULTICLOUD_ANNOTATIONS.ownerTag]);
    const missing = rules.missingTags.requiredTags.filter(key => {
      const normalized = tagKey(key);
      return (
        !present.has(normalized) && !(ownerKeys.has(normalized) && hasOwnerTag)
      );
    });
    if (missing.length > 0) {
      findings.push({
        ...base,
        rule: 'missing-tags',
        subject: 'tags',
        severity: rules.missingTags.severity,
        title: `Missing tag${missing.length > 1 ? 's' : ''}: ${missing.join(
          ', ',
        )}`,
        description: `${title} has no ${listOf(
          missing,
        )} tag, which every cloud resource must carry. Add ${
          missing.length > 1 ? 'them' : 'it'
        } where the resource is defined (its infrastructure code or the cloud console); the catalog picks tags up at its next refresh.`,
      });
    }
  }

  const openIngress = annotations[MULTICLOUD_ANNOTATIONS.openIngress];
  if (rules.openToWorld.enabled && openIngress) {
    const ingress = parseOpenIngress(openIngress);
    if (!ingress) {
      onMalformed(MULTICLOUD_ANNOTATIONS.openIngress, ref);
    }
    const sources = new Map<number, Set<string>>();
    for (const rule of ingress ?? []) {
      for (const port of coveredPorts(rule, rules.openToWorld.ports)) {
        const set = sources.get(port) ?? new Set<string>();
        set.add(rule.source || 'anywhere');
        sources.set(port, set);
      }
    }
    for (const port of rules.openToWorld.ports.filter(p => sources.has(p))) {
      findings.push({
        ...base,
        rule: 'open-to-world',
        subject: String(port),
        severity: rules.openToWorld.severity,
        title: `${portName(port)} open to the internet`,
        description: `${title} lets anyone reach port ${port}${
          PORT_NAMES[port] ? ` (${PORT_NAMES[port]})` : ''
        } from ${listOf([
          ...sources.get(port)!,
        ])}. Narrow the inbound rule to the addresses that need it (a VPN or office range, another security group), or reach the service through a bastion, session manager or private endpoint, and remove the open rule.`,
      });
    }
  }

  const publicIp = annotations[MULTICLOUD_ANNOTATIONS.publicIp];
  if (
    rules.publicDatabase.enabled &&
    publicIp &&
    publicIp !== 'false' &&
    rules.publicDatabase.types.includes(type)
  ) {
    findings.push({
      ...base,
      rule: 'public-database',
      subject: 'public-ip',
      severity: rules.publicDatabase.severity,
      title: 'Database reachable from the internet',
      description: `${title} (${type}) ${
        publicIp === 'true'
          ? 'is publicly accessible'
          : `has a public IP address (${publicIp})`
      }. A database should only be reachable from private networks: turn public access off and connect through a private endpoint, peering or a VPN.`,
    });
  }

  const replicas = annotations[MULTICLOUD_ANNOTATIONS.replicas];
  if (rules.zeroReplicas.enabled && replicas) {
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(replicas);
    if (!match) {
      onMalformed(MULTICLOUD_ANNOTATIONS.replicas, ref);
    } else if (Number(match[1]) === 0 && Number(match[2]) > 0) {
      findings.push({
        ...base,
        rule: 'zero-replicas',
        subject: 'replicas',
        severity: rules.zeroReplicas.severity,
        title: `No replica available (0 of ${Number(match[2])})`,
        description: `${title} (${type}) wants ${Number(match[2])} replica${
          Number(match[2]) > 1 ? 's' : ''
        } and none is available, so it serves nothing. Look at its pods' events and logs (image pulls, crash loops, failing readiness probes, unschedulable pods) and fix the cause, or scale it to 0 if it is no longer needed.`,
      });
    }
  }

  return findings;
}

/**
 * Creates the hygiene and compliance rules over the cloud Resources of the
 * catalog: `no-owner`, `missing-tags`, `open-to-world`, `public-database`
 * and `zero-replicas` (each on or off and with its severity under
 * `multicloud.alerts.rules.hygiene`). The catalog is read one page at a time
 * with only the fields the rules look at.
 */
export function createHygieneRuleSet(options: {
  catalog: CatalogService;
  auth: AuthService;
  config: Config;
  logger: LoggerService;
}): AlertRuleSet {
  const { catalog, auth, logger } = options;
  const rules = readAlertRulesConfig(options.config).hygiene;
  const fields = [...RESOURCE_FIELDS, 'metadata.labels'];

  return {
    source: 'hygiene',
    resourceFields: fields,
    async evaluate({ cloudResources }) {
      const findings: AlertFinding[] = [];
      const malformed = new Map<string, { count: number; example: string }>();
      const onMalformed = (what: string, ref: string) => {
        const seen = malformed.get(what);
        malformed.set(what, {
          count: (seen?.count ?? 0) + 1,
          example: seen?.example ?? ref,
        });
      };
      for await (const page of cloudResources ??
        catalogPages(catalog, auth, {
          filter: CLOUD_RESOURCE_FILTER,
          fields,
        })) {
        for (const entity of page) {
          findings.push(...hygieneFindings(entity, rules, onMalformed));
        }
      }
      for (const [what, { count, example }] of malformed) {
        logger.warn(
          `Hygiene rules skipped ${count} resource(s) whose ${what} annotation does not parse, for example ${example}`,
        );
      }
      return findings;
    },
  };
}
