/* Where the time of a piece of work goes, per SQL statement (knex query events). */
import { Knex } from 'knex';

export type StatementTime = {
  sql: string;
  count: number;
  totalMs: number;
  maxMs: number;
};

/** Same statement, whatever its bindings and the length of its VALUES list. */
function normalize(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(
      /\((?:\?|\$\d+)(?:, ?(?:\?|\$\d+))*\)(?:, ?\((?:\?|\$\d+)(?:, ?(?:\?|\$\d+))*\))+/g,
      '(...)...',
    )
    .replace(/\$\d+/g, '?')
    .replace(/in \((?:\?, ?)+\?\)/gi, 'in (?...)')
    .trim()
    .slice(0, 160);
}

/**
 * Times every statement the knex instance runs (transactions included) until
 * `stop()`, which returns them grouped, slowest first.
 */
export function timeStatements(knex: Knex) {
  const started = new Map<string, { at: number; sql: string }>();
  const totals = new Map<string, StatementTime>();
  const onQuery = (data: { __knexQueryUid: string; sql: string }) => {
    started.set(data.__knexQueryUid, {
      at: performance.now(),
      sql: normalize(data.sql),
    });
  };
  const onDone = (_response: unknown, data: { __knexQueryUid: string }) => {
    const start = started.get(data.__knexQueryUid);
    if (!start) {
      return;
    }
    started.delete(data.__knexQueryUid);
    const elapsed = performance.now() - start.at;
    const total = totals.get(start.sql) ?? {
      sql: start.sql,
      count: 0,
      totalMs: 0,
      maxMs: 0,
    };
    total.count += 1;
    total.totalMs += elapsed;
    total.maxMs = Math.max(total.maxMs, elapsed);
    totals.set(start.sql, total);
  };
  const onError = (error: unknown, data: { __knexQueryUid: string }) =>
    onDone(error, data);
  knex.on('query', onQuery);
  knex.on('query-response', onDone);
  knex.on('query-error', onError);
  return {
    stop(): StatementTime[] {
      knex.removeListener('query', onQuery);
      knex.removeListener('query-response', onDone);
      knex.removeListener('query-error', onError);
      return [...totals.values()].sort((a, b) => b.totalMs - a.totalMs);
    },
  };
}
