import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  ALERT_SEVERITIES,
  AlertStatus,
} from '@multicloud/plugin-multicloud-common';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import {
  ALERTS_TABLE,
  AlertRow,
  DbTime,
  EVALUATIONS_TABLE,
  EVENTS_TABLE,
  EventRow,
  FindingColumns,
  WHOLE_RUN,
  evaluationEvent,
  findingColumns,
  toDate,
} from './alertRows';
import { ColumnType, insertRows, whereIdIn } from './bulkSql';
import { sharedPages } from './sharedPages';
import { AlertFinding, AlertRuleSet, ComputedAlertSource } from './types';

/** Every computed source, to close the alerts of one that is turned off. */
const COMPUTED_SOURCES: ComputedAlertSource[] = ['cost', 'hygiene', 'savings'];
const SEVERITY_RANK = new Map(ALERT_SEVERITIES.map((s, i) => [s, i]));
const RULE_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;

const ALERT_COLUMNS: Record<keyof AlertRow, ColumnType> = {
  id: 'text',
  source: 'text',
  rule: 'text',
  entity_ref: 'text',
  entity_title: 'text',
  owner_ref: 'text',
  subject: 'text',
  severity: 'text',
  status: 'text',
  title: 'text',
  description: 'text',
  details: 'text',
  monthly_saving: 'float8',
  monthly_saving_currency: 'text',
  fingerprint: 'text',
  first_seen_at: 'timestamptz',
  since: 'timestamptz',
  last_seen_at: 'timestamptz',
  resolved_at: 'timestamptz',
  snoozed_until: 'timestamptz',
  last_action: 'text',
  notified_at: 'timestamptz',
};
const EVENT_COLUMNS: Record<keyof EventRow, ColumnType> = {
  alert_id: 'text',
  event: 'text',
  at: 'timestamptz',
  by: 'text',
  reason: 'text',
  snoozed_until: 'timestamptz',
};

/** What an evaluation writes from a finding it saw before; the lifecycle stays. */
const CONTENT_COLUMNS: Array<keyof AlertRow> = [
  'entity_title',
  'owner_ref',
  'severity',
  'title',
  'description',
  'details',
  'monthly_saving',
  'monthly_saving_currency',
  'fingerprint',
  'last_seen_at',
];
/** What a (re)opening writes besides the content. */
const OPENING_COLUMNS: Array<keyof AlertRow> = [
  ...CONTENT_COLUMNS,
  'status',
  'since',
  'resolved_at',
  'snoozed_until',
  'last_action',
  'notified_at',
];

export type EvaluationCounts = {
  opened: number;
  resolved: number;
  open: number;
};

type ExistingAlert = Pick<AlertRow, 'id' | 'status' | 'fingerprint'>;

/** Checks a rule set's findings, so that a faulty one fails alone. */
function checkFindings(
  source: ComputedAlertSource,
  findings: AlertFinding[],
): void {
  for (const finding of findings) {
    const problem =
      (finding.source !== source &&
        `has source "${finding.source}" in the ${source} rule set`) ||
      (!RULE_ID.test(finding.rule ?? '') &&
        `has rule "${finding.rule}", which is not a kebab-case id`) ||
      (!/^[^:]+:[^/]+\/.+$/.test(finding.entityRef ?? '') &&
        `has entityRef "${finding.entityRef}", which is not a full entity ref`) ||
      (!SEVERITY_RANK.has(finding.severity) &&
        `has severity "${finding.severity}"`) ||
      (!finding.title && 'has no title');
    if (problem) {
      throw new Error(
        `A ${source} finding (rule ${finding.rule} on ${finding.entityRef}) ${problem}`,
      );
    }
  }
}

/** One finding per alert id: the most severe when a rule reports a condition twice. */
function uniqueFindings(findings: AlertFinding[]): FindingColumns[] {
  const byId = new Map<string, FindingColumns>();
  for (const finding of findings) {
    const columns = findingColumns(finding);
    const known = byId.get(columns.id);
    if (
      !known ||
      SEVERITY_RANK.get(columns.severity)! < SEVERITY_RANK.get(known.severity)!
    ) {
      byId.set(columns.id, columns);
    }
  }
  return [...byId.values()];
}

const insertEvents = (db: Knex | Knex.Transaction, events: EventRow[]) =>
  insertRows(db, EVENTS_TABLE, EVENT_COLUMNS, events);

/** When each source's last successful evaluation ran. */
export async function sourceEvaluations(
  db: Knex | Knex.Transaction,
): Promise<Map<string, Date>> {
  const rows: Array<{ source: string; evaluated_at: DbTime | null }> = await db(
    EVALUATIONS_TABLE,
  ).select('source', 'evaluated_at');
  return new Map(
    rows
      .filter(row => row.evaluated_at !== null)
      .map(row => [row.source, toDate(row.evaluated_at!)]),
  );
}

/**
 * Moves alerts to `resolved`, with an event each. They were last seen by
 * their source's previous successful evaluation (`lastSeenAt`).
 */
async function resolve(
  tx: Knex.Transaction,
  ids: string[],
  now: Date,
  lastSeenAt: Date | undefined,
  reason?: string,
): Promise<void> {
  if (ids.length === 0) {
    return;
  }
  await tx(ALERTS_TABLE)
    .where(whereIdIn(tx, 'id', ids))
    .update({
      status: 'resolved',
      resolved_at: now,
      snoozed_until: null,
      ...(lastSeenAt ? { last_seen_at: lastSeenAt } : {}),
    });
  await insertEvents(
    tx,
    ids.map(id => evaluationEvent(id, 'resolved', now, reason)),
  );
}

async function recordEvaluation(
  db: Knex | Knex.Transaction,
  source: string,
  now: Date,
  outcome: { findings: number } | { error: string },
): Promise<void> {
  const row =
    'error' in outcome
      ? { source, failed_at: now, error: outcome.error }
      : {
          source,
          evaluated_at: now,
          findings: outcome.findings,
          failed_at: null,
          error: null,
        };
  await db(EVALUATIONS_TABLE)
    .insert(row)
    .onConflict('source')
    .merge(Object.keys(row).filter(key => key !== 'source'));
}

/**
 * Stores one source's findings in one transaction: new conditions open,
 * resolved ones that came back reopen, changed ones are updated in place
 * (their status kept: acknowledged, snoozed and dismissed alerts stay so),
 * and the source's alerts that were not found are resolved. Only rows that
 * change are written: an alert that is not resolved was seen by its
 * source's last successful evaluation, which is recorded once.
 */
async function applyFindings(
  tx: Knex.Transaction,
  source: ComputedAlertSource,
  findings: FindingColumns[],
  now: Date,
): Promise<{ opened: number; resolved: number }> {
  const previousEvaluation = (await sourceEvaluations(tx)).get(source);
  const existing = new Map<string, ExistingAlert>();
  for (const row of (await tx(ALERTS_TABLE)
    .where({ source })
    .select('id', 'status', 'fingerprint')) as ExistingAlert[]) {
    existing.set(row.id, row);
  }

  // Whole rows of an opening; an update in place writes only the content
  // columns of the same rows (the database checks a whole row before it
  // sees the conflict).
  const opening = {
    status: 'open' satisfies AlertStatus,
    first_seen_at: now,
    since: now,
    last_seen_at: now,
    resolved_at: null,
    snoozed_until: null,
    last_action: null,
    notified_at: null,
  };
  const openings: Array<Record<string, unknown>> = [];
  const changes: Array<Record<string, unknown>> = [];
  const events: EventRow[] = [];
  for (const finding of findings) {
    const known = existing.get(finding.id);
    existing.delete(finding.id);
    if (!known || known.status === 'resolved') {
      openings.push({ ...finding, ...opening });
      events.push(
        evaluationEvent(finding.id, known ? 'reopened' : 'opened', now),
      );
    } else if (known.fingerprint !== finding.fingerprint) {
      changes.push({ ...finding, ...opening });
    }
  }
  await insertRows(tx, ALERTS_TABLE, ALERT_COLUMNS, openings, {
    conflict: 'id',
    merge: OPENING_COLUMNS,
  });
  await insertRows(tx, ALERTS_TABLE, ALERT_COLUMNS, changes, {
    conflict: 'id',
    merge: CONTENT_COLUMNS,
  });
  const gone = [...existing.values()]
    .filter(alert => alert.status !== 'resolved')
    .map(alert => alert.id);
  await resolve(tx, gone, now, previousEvaluation);
  await insertEvents(tx, events);
  await recordEvaluation(tx, source, now, { findings: findings.length });
  return { opened: openings.length, resolved: gone.length };
}

/**
 * Opens snoozed alerts whose time has passed, whatever their source (a
 * source that failed this time included).
 */
async function endSnoozes(knex: Knex, now: Date): Promise<number> {
  return knex.transaction(async tx => {
    const ids = (
      await tx(ALERTS_TABLE)
        .where({ status: 'snoozed' })
        .where(q =>
          q.where('snoozed_until', '<=', now).orWhereNull('snoozed_until'),
        )
        .select('id')
    ).map((row: { id: string }) => row.id);
    if (ids.length === 0) {
      return 0;
    }
    await tx(ALERTS_TABLE)
      .where(whereIdIn(tx, 'id', ids))
      .where({ status: 'snoozed' })
      .update({ status: 'open', snoozed_until: null });
    await insertEvents(
      tx,
      ids.map(id => evaluationEvent(id, 'reopened', now, 'The snooze ended')),
    );
    return ids.length;
  });
}

/** Deletes alerts resolved longer ago than the retention, with their history. */
async function purgeResolved(
  knex: Knex,
  now: Date,
  retentionDays: number,
): Promise<void> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600 * 1000);
  const expired = () =>
    knex(ALERTS_TABLE)
      .where({ status: 'resolved' })
      .where('resolved_at', '<', cutoff)
      .select('id');
  await knex.transaction(async tx => {
    await tx(EVENTS_TABLE).whereIn('alert_id', expired()).delete();
    await tx(ALERTS_TABLE).whereIn('id', expired()).delete();
  });
}

/**
 * Runs every rule set's evaluation at once, the rule sets that read the
 * catalog's cloud Resources sharing one pass over them (one page in memory
 * at a time). A set that throws fails alone.
 */
async function runRuleSets(
  ruleSets: AlertRuleSet[],
  now: Date,
  knex: Knex,
  readResources?: (fields: string[]) => AsyncIterable<Entity[]>,
): Promise<
  Array<
    | { ruleSet: AlertRuleSet; findings: AlertFinding[] }
    | { ruleSet: AlertRuleSet; failed: true; error: unknown }
  >
> {
  const fields = new Set(ruleSets.flatMap(set => set.resourceFields ?? []));
  const pass =
    readResources && fields.size > 0
      ? sharedPages(() => readResources([...fields]))
      : undefined;
  // Every reader joins before any reads.
  const readers = ruleSets.map(set =>
    set.resourceFields && pass ? pass.join() : undefined,
  );
  return Promise.all(
    ruleSets.map(async (ruleSet, i) => {
      try {
        const findings = await ruleSet.evaluate({
          now,
          knex,
          cloudResources: readers[i]?.pages,
        });
        checkFindings(ruleSet.source, findings);
        return { ruleSet, findings };
      } catch (error) {
        return { ruleSet, failed: true as const, error };
      } finally {
        readers[i]?.leave();
      }
    }),
  );
}

/**
 * Runs the rule sets and stores their outcome, one source at a time. A
 * source whose rule set throws keeps its alerts as they are; the error is
 * logged and recorded.
 */
export async function evaluateAlerts(options: {
  knex: Knex;
  ruleSets: AlertRuleSet[];
  logger: LoggerService;
  now: Date;
  resolvedRetentionDays: number;
  /** Pages of the catalog's cloud Resources with these fields; without it each rule set reads them itself. */
  readResources?: (fields: string[]) => AsyncIterable<Entity[]>;
}): Promise<EvaluationCounts> {
  const { knex, ruleSets, logger, now } = options;
  const outcomes = await runRuleSets(
    ruleSets,
    now,
    knex,
    options.readResources,
  );
  const bySource = new Map<
    ComputedAlertSource,
    { found: AlertFinding[]; failed?: { error: unknown } }
  >();
  for (const outcome of outcomes) {
    const entry = bySource.get(outcome.ruleSet.source) ?? { found: [] };
    if ('failed' in outcome) {
      entry.failed ??= { error: outcome.error };
    } else {
      entry.found.push(...outcome.findings);
    }
    bySource.set(outcome.ruleSet.source, entry);
  }

  let opened = 0;
  let resolved = 0;
  let total = 0;
  for (const [source, { found, failed }] of bySource) {
    if (failed) {
      const { error } = failed;
      const message = isError(error) ? error.message : String(error);
      logger.error(
        `Alert source ${source} could not be evaluated; its alerts are kept as they were: ${message}`,
        isError(error) ? error : undefined,
      );
      await recordEvaluation(knex, source, now, { error: message });
      continue;
    }
    const findings = uniqueFindings(found);
    const outcome = await knex.transaction(tx =>
      applyFindings(tx, source, findings, now),
    );
    opened += outcome.opened;
    resolved += outcome.resolved;
    total += findings.length;
  }

  const turnedOff = COMPUTED_SOURCES.filter(source => !bySource.has(source));
  for (const source of turnedOff) {
    resolved += await knex.transaction(async tx => {
      const ids = (
        await tx(ALERTS_TABLE)
          .where({ source })
          .whereNot({ status: 'resolved' })
          .select('id')
      ).map((row: { id: string }) => row.id);
      await resolve(
        tx,
        ids,
        now,
        (await sourceEvaluations(tx)).get(source),
        'The alert source is turned off',
      );
      return ids.length;
    });
  }

  await endSnoozes(knex, now);
  await purgeResolved(knex, now, options.resolvedRetentionDays);
  await recordEvaluation(knex, WHOLE_RUN, now, { findings: total });
  const [{ n }] = await knex(ALERTS_TABLE)
    .where({ status: 'open' })
    .count({ n: '*' });
  return { opened, resolved, open: Number(n) };
}
