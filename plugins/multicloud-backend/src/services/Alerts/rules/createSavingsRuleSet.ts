import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AlertLink,
  MULTICLOUD_ANNOTATIONS,
} from '@multicloud/plugin-multicloud-common';
import { Knex } from 'knex';
import { addDays, daysBetween } from '../../CostAnalytics/dates';
import { METRIC_COLUMNS } from '../../../database/lineSource';
import { AlertFinding, AlertRuleSet } from '../types';
import { SavingsRulesConfig, readAlertRulesConfig } from './config';
import { chunks, costAsOf, toNumber } from './costData';
import {
  CLOUD_RESOURCE_FILTER,
  RESOURCE_FIELDS,
  catalogPages,
  formatMoney,
  lowerCase,
  money,
  ownerRefOf,
  qualifiedRef,
  refOf,
  resourceLinks,
  titleOf,
} from './entities';

/** Savings are what the resource really costs: effective cost. */
const COST = METRIC_COLUMNS.effective;
const DAYS_PER_MONTH = 365.25 / 12;
/** Refs per lookup of attribution keys: each lookup scans the attribution once. */
const REFS_PER_SCAN = 5000;
/**
 * Attribution keys per facts query. With a few hundred keys PostgreSQL
 * estimates enough rows to scan the window's every fact by date (1.1-1.9 s
 * on 10M facts, mostly reading pages); with 50 it looks each key up in the
 * (attribution_key, usage_date) index (~25 ms a query).
 */
const KEYS_PER_FACT_QUERY = 50;
/** Units of data volume (`GB`, `1 GB`, `GiB`, `Bytes`): what a NAT gateway bills its traffic in. */
const DATA_UNIT =
  /^([kmgtp]i?)?b(ytes?)?$|^(kilo|mega|giga|tera|peta)?bytes?$/i;
/** Units of stored volume over time (`GB-Mo`, `GiB-Month`). */
const STORAGE_UNIT = /^([gt]i?b)[-\s/]*(mo|month)s?$/i;

/** What a finding needs of a resource, kept instead of the entity. */
type Candidate = {
  ref: string;
  title: string;
  type: string;
  ownerRef?: string;
  links: AlertLink[];
};

/** Cost of one resource over the window, in its main currency. */
type ResourceCost = { currency: string; cost: number; firstDay: string };

/** Fact sums of one resource by kind of charge. */
type FactLine = {
  currency: string;
  category: string;
  unit: string;
  cost: number;
  quantity: number;
  firstDay: string;
};

/** What of a stopped instance still bills. */
function stillBilling(volumes: number): string {
  if (volumes === 0) {
    return 'its storage still bills';
  }
  return volumes === 1
    ? 'its attached volume still bills'
    : `its ${volumes} attached volumes still bill`;
}

function candidate(entity: Entity, ref: string): Candidate {
  return {
    ref,
    title: titleOf(entity),
    type: String(entity.spec?.type ?? ''),
    ownerRef: ownerRefOf(entity),
    links: resourceLinks(entity, ref),
  };
}

/**
 * Each resource's effective cost over the window, one grouped query per
 * chunk of resources on the daily rollup (its entity index).
 */
async function resourceCosts(
  knex: Knex,
  refs: string[],
  from: string,
  to: string,
): Promise<Map<string, ResourceCost>> {
  const out = new Map<string, ResourceCost>();
  for (const part of chunks([...new Set(refs)])) {
    const rows: Array<{
      entity_ref: string;
      currency: string;
      first_day: string;
      cost: number | string;
    }> = await knex('multicloud_cost_rollup_daily')
      .whereIn('entity_ref', part)
      .whereBetween('usage_date', [from, to])
      .groupBy('entity_ref', 'currency')
      .select('entity_ref', 'currency')
      .min({ first_day: 'usage_date' })
      .sum({ cost: COST });
    for (const row of rows) {
      const cost = toNumber(row.cost);
      const seen = out.get(row.entity_ref);
      if (!seen || Math.abs(cost) > Math.abs(seen.cost)) {
        out.set(row.entity_ref, {
          currency: row.currency,
          cost,
          firstDay: row.first_day,
        });
      }
    }
  }
  return out;
}

/**
 * The facts attributed to each resource over the window, summed by service
 * category and consumed unit. The resources' attribution keys are read
 * first (the attribution has no index on the entity, so few large lookups),
 * then their facts by the facts' attribution index, one grouped query per
 * chunk of keys.
 */
async function factLines(
  knex: Knex,
  refs: string[],
  from: string,
  to: string,
): Promise<Map<string, FactLine[]>> {
  const refOfKey = new Map<string, string>();
  for (const part of chunks([...new Set(refs)], REFS_PER_SCAN)) {
    const rows: Array<{ attribution_key: string; entity_ref: string }> =
      await knex('multicloud_cost_attribution')
        .whereIn('entity_ref', part)
        .select('attribution_key', 'entity_ref');
    for (const row of rows) {
      refOfKey.set(row.attribution_key, row.entity_ref);
    }
  }
  const out = new Map<string, Map<string, FactLine>>();
  for (const part of chunks([...refOfKey.keys()], KEYS_PER_FACT_QUERY)) {
    const rows: Array<{
      attribution_key: string;
      currency: string;
      category: string | null;
      unit: string | null;
      first_day: string;
      cost: number | string;
      quantity: number | string | null;
    }> = await knex('multicloud_cost_facts')
      .whereIn('attribution_key', part)
      .whereBetween('usage_date', [from, to])
      .groupBy(
        'attribution_key',
        'currency',
        'service_category',
        'consumed_unit',
      )
      .select({
        attribution_key: 'attribution_key',
        currency: 'currency',
        category: 'service_category',
        unit: 'consumed_unit',
      })
      .min({ first_day: 'usage_date' })
      .sum({ cost: COST, quantity: 'consumed_quantity' });
    for (const row of rows) {
      const ref = refOfKey.get(row.attribution_key)!;
      const lines = out.get(ref) ?? new Map<string, FactLine>();
      const unit = (row.unit ?? '').replace(/^[\d.\s]+/, '').trim();
      const category = row.category ?? '';
      const id = JSON.stringify([row.currency, category, unit]);
      const line = lines.get(id) ?? {
        currency: row.currency,
        category,
        unit,
        cost: 0,
        quantity: 0,
        firstDay: row.first_day,
      };
      line.cost += toNumber(row.cost);
      line.quantity += toNumber(row.quantity);
      line.firstDay =
        row.first_day < line.firstDay ? row.first_day : line.firstDay;
      lines.set(id, line);
      out.set(ref, lines);
    }
  }
  return new Map([...out].map(([ref, lines]) => [ref, [...lines.values()]]));
}

/** Sums parts of cost in the currency of the largest part. */
function sumCosts(parts: ResourceCost[]): ResourceCost | undefined {
  if (parts.length === 0) {
    return undefined;
  }
  const { currency } = [...parts].sort(
    (a, b) => Math.abs(b.cost) - Math.abs(a.cost),
  )[0];
  const same = parts.filter(p => p.currency === currency);
  return {
    currency,
    cost: same.reduce((sum, p) => sum + p.cost, 0),
    firstDay: same.map(p => p.firstDay).sort()[0],
  };
}

function linesCost(lines: FactLine[]): ResourceCost | undefined {
  return sumCosts(
    lines.map(l => ({
      currency: l.currency,
      cost: l.cost,
      firstDay: l.firstDay,
    })),
  );
}

/**
 * Creates the savings recommendations over the cloud Resources of the
 * catalog, each with a monthly saving estimated from the resource's own
 * effective cost over the last `windowDays` days with cost data (scaled to
 * an average month from the days it was billed in the window):
 * `unattached-volume`, `unassociated-ip`, `stopped-instance` (its attached
 * volumes and own storage still bill), `idle-nat-gateway` (hourly charges
 * and no data-processing charge in the window) and `deleted-owner` (its
 * owner, or the owner tag it carries, names a Group no longer in the
 * catalog). A resource's cost counts in one recommendation only, so sums
 * per entity and team do not count it twice.
 */
export function createSavingsRuleSet(options: {
  catalog: CatalogService;
  auth: AuthService;
  config: Config;
  logger: LoggerService;
}): AlertRuleSet {
  const { catalog, auth, logger } = options;
  const rules: SavingsRulesConfig = readAlertRulesConfig(
    options.config,
  ).savings;
  const set = (list: string[]) => new Set(list);
  const volumeTypes = set(rules.unattachedVolume.types);
  const ipTypes = set(rules.unassociatedIp.types);
  const instanceTypes = set(rules.stoppedInstance.types);
  const attachedVolumeTypes = set(rules.stoppedInstance.volumeTypes);
  const stoppedStatuses = set(rules.stoppedInstance.statuses);
  const natTypes = set(rules.idleNatGateway.types);

  async function groupRefs(): Promise<Set<string>> {
    const groups = new Set<string>();
    for await (const page of catalogPages(catalog, auth, {
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    })) {
      for (const group of page) {
        groups.add(refOf(group));
      }
    }
    return groups;
  }

  const fields = [...RESOURCE_FIELDS, 'spec.dependsOn'];

  return {
    source: 'savings',
    resourceFields: fields,
    async evaluate({ now, knex, cloudResources }) {
      let groups = rules.deletedOwner.enabled ? await groupRefs() : undefined;
      if (groups?.size === 0) {
        // Every owner missing means the groups are not in the catalog yet
        // (or not readable), not that every team was deleted.
        logger.warn(
          'Savings rule deleted-owner skipped: the catalog holds no Group entities',
        );
        groups = undefined;
      }
      const unattached: Candidate[] = [];
      const unassociated: Candidate[] = [];
      const stopped: Array<Candidate & { status: string }> = [];
      const nats: Candidate[] = [];
      const orphans: Array<
        Candidate & { missing: string; via: 'owner' | 'owner-tag' }
      > = [];
      /** Instance ref -> the volumes attached to it. */
      const volumesOf = new Map<string, string[]>();

      for await (const page of cloudResources ??
        catalogPages(catalog, auth, {
          filter: CLOUD_RESOURCE_FILTER,
          fields,
        })) {
        for (const entity of page) {
          const ref = refOf(entity);
          const namespace = entity.metadata.namespace ?? 'default';
          const annotations = entity.metadata.annotations ?? {};
          const type = String(entity.spec?.type ?? '');
          const attached = annotations[MULTICLOUD_ANNOTATIONS.attached];
          const status = lowerCase(
            annotations[MULTICLOUD_ANNOTATIONS.status] ?? '',
          );

          if (
            rules.stoppedInstance.enabled &&
            attachedVolumeTypes.has(type) &&
            attached !== 'false'
          ) {
            const targets = entity.spec?.dependsOn;
            for (const target of Array.isArray(targets) ? targets : []) {
              const instance = qualifiedRef(target, 'resource', namespace);
              if (instance) {
                const list = volumesOf.get(instance) ?? [];
                list.push(ref);
                volumesOf.set(instance, list);
              }
            }
          }
          if (
            rules.unattachedVolume.enabled &&
            volumeTypes.has(type) &&
            attached === 'false'
          ) {
            unattached.push(candidate(entity, ref));
          }
          if (
            rules.unassociatedIp.enabled &&
            ipTypes.has(type) &&
            attached === 'false'
          ) {
            unassociated.push(candidate(entity, ref));
          }
          if (
            rules.stoppedInstance.enabled &&
            instanceTypes.has(type) &&
            stoppedStatuses.has(status)
          ) {
            stopped.push({
              ...candidate(entity, ref),
              status: annotations[MULTICLOUD_ANNOTATIONS.status],
            });
          }
          if (rules.idleNatGateway.enabled && natTypes.has(type)) {
            nats.push(candidate(entity, ref));
          }
          if (groups) {
            const owner = qualifiedRef(entity.spec?.owner, 'group', namespace);
            const tagged = qualifiedRef(
              annotations[MULTICLOUD_ANNOTATIONS.ownerTag],
              'group',
              'default',
            );
            if (owner?.startsWith('group:') && !groups.has(owner)) {
              orphans.push({
                ...candidate(entity, ref),
                missing: owner,
                via: 'owner',
              });
            } else if (tagged?.startsWith('group:') && !groups.has(tagged)) {
              orphans.push({
                ...candidate(entity, ref),
                missing: tagged,
                via: 'owner-tag',
              });
            }
          }
        }
      }

      const asOf = await costAsOf(knex, now);
      const from = asOf ? addDays(asOf, -(rules.windowDays - 1)) : undefined;
      const stoppedVolumes = new Map(
        stopped.map(s => [s.ref, volumesOf.get(s.ref) ?? []]),
      );
      volumesOf.clear();
      const costs =
        asOf && from
          ? await resourceCosts(
              knex,
              [
                ...unattached.map(c => c.ref),
                ...unassociated.map(c => c.ref),
                ...[...stoppedVolumes.values()].flat(),
                ...orphans.map(c => c.ref),
              ],
              from,
              asOf,
            )
          : new Map<string, ResourceCost>();
      const facts =
        asOf && from
          ? await factLines(
              knex,
              [...nats.map(c => c.ref), ...stopped.map(c => c.ref)],
              from,
              asOf,
            )
          : new Map<string, FactLine[]>();

      const window = `the last ${rules.windowDays} days`;
      const monthly = (cost: ResourceCost) =>
        (cost.cost / (daysBetween(cost.firstDay, asOf!) + 1)) * DAYS_PER_MONTH;
      const costText = (cost: ResourceCost | undefined) =>
        cost
          ? ` (${formatMoney(
              cost.cost,
              cost.currency,
            )} over ${window}, about ${formatMoney(
              monthly(cost),
              cost.currency,
            )} a month)`
          : `; there is no cost data for it in ${window} yet, so the saving is not known`;
      /** Resources whose cost a recommendation already counts. */
      const counted = new Set<string>();
      const findings: AlertFinding[] = [];
      const push = (
        c: Candidate,
        finding: Pick<
          AlertFinding,
          'rule' | 'subject' | 'severity' | 'title'
        > & {
          description: string;
        },
        cost: ResourceCost | undefined,
        covers: string[],
      ) => {
        const saving =
          cost && monthly(cost) > 0 && !covers.some(r => counted.has(r))
            ? money(monthly(cost), cost.currency)
            : undefined;
        if (saving) {
          covers.forEach(r => counted.add(r));
        }
        findings.push({
          source: 'savings',
          entityRef: c.ref,
          entityTitle: c.title,
          ownerRef: c.ownerRef,
          links: c.links,
          ...finding,
          ...(saving ? { monthlySaving: saving } : {}),
        });
      };
      const savingTitle = (what: string, cost: ResourceCost | undefined) =>
        cost && monthly(cost) > 0
          ? `${what}: about ${formatMoney(
              monthly(cost),
              cost.currency,
            )} a month`
          : what;

      for (const c of unattached) {
        const cost = costs.get(c.ref);
        push(
          c,
          {
            rule: 'unattached-volume',
            subject: 'unattached',
            severity: rules.unattachedVolume.severity,
            title: savingTitle('Unattached volume', cost),
            description: `${c.title} (${
              c.type
            }) is attached to nothing and still bills for its storage${costText(
              cost,
            )}. Snapshot it if its data may be needed again, then delete it.`,
          },
          cost,
          [c.ref],
        );
      }
      for (const c of unassociated) {
        const cost = costs.get(c.ref);
        push(
          c,
          {
            rule: 'unassociated-ip',
            subject: 'unassociated',
            severity: rules.unassociatedIp.severity,
            title: savingTitle('Unassociated IP address', cost),
            description: `${c.title} (${
              c.type
            }) is reserved but associated with nothing, and reserved addresses bill while idle${costText(
              cost,
            )}. Release it unless something is about to use this address.`,
          },
          cost,
          [c.ref],
        );
      }
      for (const c of stopped) {
        const volumes = stoppedVolumes.get(c.ref) ?? [];
        const ownStorage = (facts.get(c.ref) ?? []).filter(
          l => lowerCase(l.category) === 'storage' || STORAGE_UNIT.test(l.unit),
        );
        const parts = [
          ...volumes.flatMap(v => {
            const cost = costs.get(v);
            return cost ? [cost] : [];
          }),
          ...(linesCost(ownStorage) ? [linesCost(ownStorage)!] : []),
        ];
        const cost = sumCosts(parts);
        if (volumes.length === 0 && !(cost && cost.cost > 0)) {
          continue;
        }
        push(
          c,
          {
            rule: 'stopped-instance',
            subject: 'stopped',
            severity: rules.stoppedInstance.severity,
            title: savingTitle(
              'Stopped instance still billing for storage',
              cost,
            ),
            description: `${c.title} (${c.type}) is ${
              c.status
            }, but ${stillBilling(volumes.length)}${costText(
              cost,
            )}. If it is no longer needed, snapshot what must be kept and delete it with its volumes; if it is only paused, dismiss this recommendation.`,
          },
          cost,
          [c.ref, ...volumes],
        );
      }
      for (const c of nats) {
        const lines = facts.get(c.ref) ?? [];
        if (lines.length === 0) {
          // No charge at all yet: idle and not yet imported look the same.
          continue;
        }
        const traffic = lines.some(
          l => DATA_UNIT.test(l.unit) && (l.quantity > 0 || l.cost > 0),
        );
        if (traffic) {
          continue;
        }
        const cost = linesCost(lines);
        push(
          c,
          {
            rule: 'idle-nat-gateway',
            subject: 'idle',
            severity: rules.idleNatGateway.severity,
            title: savingTitle('Idle NAT gateway', cost),
            description: `${c.title} (${
              c.type
            }) had no data processing charge in ${window}, so no traffic goes through it, yet it bills by the hour${costText(
              cost,
            )}. Delete it if no route table sends traffic to it any more.`,
          },
          cost,
          [c.ref],
        );
      }
      for (const c of orphans) {
        const cost = costs.get(c.ref);
        const covered = counted.has(c.ref);
        push(
          c,
          {
            rule: 'deleted-owner',
            subject: c.missing,
            severity: rules.deletedOwner.severity,
            title: `Owner ${c.missing} no longer exists`,
            description: `${c.title} (${c.type}) ${
              c.via === 'owner' ? 'is owned by' : 'carries an owner tag naming'
            } ${
              c.missing
            }, a Group that is not in the catalog (deleted or renamed), so no team looks after it${
              covered
                ? '; its cost is counted in another recommendation for it'
                : costText(cost)
            }. Hand it to a team by tagging it with an existing Group, or delete it if nobody uses it.`,
          },
          cost,
          [c.ref],
        );
      }
      return findings;
    },
  };
}
