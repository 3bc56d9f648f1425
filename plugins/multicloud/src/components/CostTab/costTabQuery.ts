/**
 * The Cost tab keeps its view in the page's query, so that a link (such as
 * the one an alert carries) or a reload opens the same view:
 * `?from=YYYY-MM-DD&to=YYYY-MM-DD` for a custom period, `?period=last7` (any
 * preset but `custom`) for a period ending today, and `?groupBy=service`.
 */

import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  COST_GROUP_BY,
  CostGroupBy,
} from '@multicloud/plugin-multicloud-common';
import {
  PERIOD_PRESETS,
  Period,
  PeriodPreset,
  PeriodSelection,
  daysBetween,
  defaultPeriodSelection,
  resolvePeriod,
  todayUtc,
} from '../../lib/period';

/** Longest period the cost API answers for (both ends included). */
export const MAX_PERIOD_DAYS = 732;

const DEFAULT_GROUP_BY: CostGroupBy = 'service';

/** What the Cost tab shows, as its query keeps it. */
export type CostTabView = {
  selection: PeriodSelection;
  groupBy: CostGroupBy;
};

/** A view read from a query, with what the query asked for but could not get. */
export type ParsedCostTabQuery = CostTabView & {
  /** One sentence per ignored setting, saying what is shown instead. */
  problems: string[];
};

const PRESETS_IN_QUERY: readonly PeriodPreset[] = PERIOD_PRESETS.map(
  preset => preset.value,
).filter(preset => preset !== 'custom');

/** A value from the address bar, shortened so that a notice stays short. */
function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** `resolvePeriod` checks that a custom date is a real calendar day. */
function isDate(value: string): boolean {
  return (
    resolvePeriod({ preset: 'custom', from: value, to: value }).period !==
    undefined
  );
}

/**
 * The period a selection stands for, or why it cannot be shown: the checks
 * of the period picker plus the cost API's longest period.
 */
export function resolveCostTabPeriod(
  selection: PeriodSelection,
  today = todayUtc(),
):
  | { period: Period; error?: undefined }
  | { period?: undefined; error: string } {
  const resolved = resolvePeriod(selection, today);
  if (!resolved.period) {
    return resolved;
  }
  const days = daysBetween(resolved.period.from, resolved.period.to);
  if (days > MAX_PERIOD_DAYS) {
    return {
      error: `The period has ${days} days; at most ${MAX_PERIOD_DAYS} can be shown at once.`,
    };
  }
  return resolved;
}

/** Why `from` and `to` from a query make no usable period, if they do not. */
function customPeriodProblem(
  from: string | undefined,
  to: string | undefined,
): string | undefined {
  if (from === undefined || to === undefined) {
    return `a custom period needs both from and to, got only ${
      from === undefined ? 'to' : 'from'
    }`;
  }
  const notDates = [from, to].filter(date => !isDate(date));
  if (notDates.length > 0) {
    return `${notDates
      .map(quote)
      .join(' and ')} must be real dates like 2025-03-01`;
  }
  if (from > to) {
    return `it starts (${from}) after it ends (${to})`;
  }
  const days = daysBetween(from, to);
  if (days > MAX_PERIOD_DAYS) {
    return `it has ${days} days, and at most ${MAX_PERIOD_DAYS} can be shown at once`;
  }
  return undefined;
}

/**
 * Reads the Cost tab's view from a query. Missing settings take their
 * defaults silently; settings that cannot be shown take them too, and say so
 * in `problems`.
 */
export function parseCostTabQuery(
  query: URLSearchParams,
  today = todayUtc(),
): ParsedCostTabQuery {
  // An empty value (`?from=`) counts as missing.
  const get = (name: string) => query.get(name) || undefined;
  const defaults = defaultPeriodSelection(today);
  const defaultLabel = PERIOD_PRESETS.find(
    preset => preset.value === defaults.preset,
  )!.label.toLocaleLowerCase('en-US');
  const problems: string[] = [];

  let selection = defaults;
  const from = get('from');
  const to = get('to');
  const period = get('period');
  if (from !== undefined || to !== undefined) {
    const problem = customPeriodProblem(from, to);
    if (problem) {
      problems.push(
        `The link's period cannot be shown: ${problem}. Showing the ${defaultLabel} instead.`,
      );
    } else {
      selection = { preset: 'custom', from: from!, to: to! };
    }
  } else if (period !== undefined) {
    if (PRESETS_IN_QUERY.includes(period as PeriodPreset)) {
      selection = { ...defaults, preset: period as PeriodPreset };
    } else {
      problems.push(
        `The link's period ${quote(
          period,
        )} is not one of ${PRESETS_IN_QUERY.join(
          ', ',
        )}. Showing the ${defaultLabel} instead.`,
      );
    }
  }

  let groupBy = DEFAULT_GROUP_BY;
  const groupByValue = get('groupBy');
  if (groupByValue !== undefined) {
    if (COST_GROUP_BY.includes(groupByValue as CostGroupBy)) {
      groupBy = groupByValue as CostGroupBy;
    } else {
      problems.push(
        `The link's grouping ${quote(
          groupByValue,
        )} is not one of ${COST_GROUP_BY.join(
          ', ',
        )}. Grouping by ${DEFAULT_GROUP_BY} instead.`,
      );
    }
  }

  return { selection, groupBy, problems };
}

/**
 * The query that keeps `view`: the given query with the Cost tab's settings
 * replaced and every other parameter left as it was.
 */
export function writeCostTabQuery(
  query: URLSearchParams,
  view: CostTabView,
): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const name of ['from', 'to', 'period', 'groupBy']) {
    next.delete(name);
  }
  if (view.selection.preset === 'custom') {
    next.set('from', view.selection.from);
    next.set('to', view.selection.to);
  } else {
    next.set('period', view.selection.preset);
  }
  next.set('groupBy', view.groupBy);
  return next;
}

/**
 * The Cost tab's period and grouping, read from the page's query and written
 * back to it (replacing the history entry) when the user picks another one.
 * A custom period that cannot be shown stays in the picker, with its error,
 * and leaves the query at the last view that could.
 */
export function useCostTabView() {
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.toString();
  const today = todayUtc();
  const fromQuery = useMemo(
    () => parseCostTabQuery(new URLSearchParams(search), today),
    [search, today],
  );
  const [draft, setDraft] = useState<PeriodSelection>();
  const selection = draft ?? fromQuery.selection;
  const { period, error } = resolveCostTabPeriod(selection, today);

  const show = (view: CostTabView) =>
    setSearchParams(writeCostTabQuery(searchParams, view), { replace: true });

  const setSelection = (next: PeriodSelection) => {
    if (resolveCostTabPeriod(next, today).period) {
      setDraft(undefined);
      show({ selection: next, groupBy: fromQuery.groupBy });
    } else {
      setDraft(next);
    }
  };

  const setGroupBy = (groupBy: CostGroupBy) =>
    show({ selection: fromQuery.selection, groupBy });

  return {
    selection,
    setSelection,
    period,
    error,
    groupBy: fromQuery.groupBy,
    setGroupBy,
    problems: fromQuery.problems,
  };
}
