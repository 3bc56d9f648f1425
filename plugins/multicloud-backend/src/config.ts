import {
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config, JsonValue, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  AttributionTagKeys,
  DEFAULT_TAG_KEYS,
} from './services/CostAttribution/attributionModel';
import {
  CostImportLimits,
  DEFAULT_SETTLE_MS,
} from './services/CostImport/createCostImportService';
import { CostImportFolder } from './services/CostImport/types';
import { ExchangeRates } from './services/CostQuery/exchangeRates';

/** `multicloud.cost` with its defaults (documented in config.d.ts). */
export type CostConfig = {
  limits: CostImportLimits;
  folders: Array<
    CostImportFolder & { schedule: SchedulerServiceTaskScheduleDefinition }
  >;
  tagKeys: AttributionTagKeys;
  attributionSchedule: SchedulerServiceTaskScheduleDefinition;
  /** `multicloud.cost.currency`; absent without a display currency. */
  exchangeRates?: ExchangeRates;
};

const DURATION_MS: Record<string, number> = {
  years: 365 * 24 * 3600 * 1000,
  months: 30 * 24 * 3600 * 1000,
  weeks: 7 * 24 * 3600 * 1000,
  days: 24 * 3600 * 1000,
  hours: 3600 * 1000,
  minutes: 60 * 1000,
  seconds: 1000,
  milliseconds: 1,
};

/** A duration key (`{ minutes: 30 }` or ISO 8601 `PT30M`) in milliseconds. */
function durationMs(
  config: Config | undefined,
  key: string,
  fallbackMs: number,
  options: { allowZero?: boolean; label?: string } = {},
): number {
  if (!config?.has(key)) {
    return fallbackMs;
  }
  const duration = readDurationFromConfig(config, { key }) as Record<
    string,
    number | undefined
  >;
  const ms = Object.entries(duration).reduce(
    (sum, [unit, n]) => sum + (n ?? 0) * (DURATION_MS[unit] ?? 0),
    0,
  );
  if (!(ms > 0 || (options.allowZero && ms === 0))) {
    throw new InputError(
      `${
        options.label ?? `multicloud.cost.imports.${key}`
      } must be a positive duration, for example { minutes: 30 }`,
    );
  }
  return ms;
}

function positive(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!(value > 0)) {
    throw new InputError(
      `multicloud.cost.imports.${key} must be a positive number; got ${value}`,
    );
  }
  return value;
}

function schedule(
  config: Config | undefined,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config)
    : fallback;
}

const CURRENCY_KEY = 'multicloud.cost.currency';
const ISO_4217 = /^[A-Z]{3}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function isObject(value: JsonValue | undefined): value is {
  [key: string]: JsonValue | undefined;
} {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function currencyCode(value: string, where: string): string {
  const code = value.trim().toUpperCase();
  if (!ISO_4217.test(code)) {
    throw new InputError(
      `${where} must be an ISO 4217 currency code of three letters, such as USD or EUR; got "${value}"`,
    );
  }
  return code;
}

/** A rate as YAML or an environment variable gives it: a number or its text. */
function positiveRate(value: JsonValue | undefined, where: string): number {
  const rate =
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
    throw new InputError(
      `${where} must be a positive number (units of the display currency per unit of the currency); got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return rate;
}

/**
 * `multicloud.cost.currency`: the display currency and the monthly rates
 * into it, checked whole at startup. Undefined without a display currency.
 */
export function readExchangeRates(root: Config): ExchangeRates | undefined {
  const config = root.getOptionalConfig(CURRENCY_KEY);
  const displayValue = config?.getOptionalString('display');
  // Read raw: months such as 2026-10 are not keys a Config reader accepts.
  const rawRates = config?.getOptional('exchangeRates');
  if (displayValue === undefined) {
    if (rawRates !== undefined) {
      throw new InputError(
        `${CURRENCY_KEY}.exchangeRates needs ${CURRENCY_KEY}.display, the currency they convert into`,
      );
    }
    return undefined;
  }
  const display = currencyCode(displayValue, `${CURRENCY_KEY}.display`);
  if (rawRates !== undefined && !isObject(rawRates)) {
    throw new InputError(
      `${CURRENCY_KEY}.exchangeRates must map currency codes to rates by month, such as { EUR: { '2026-10': 1.08 } }`,
    );
  }
  const rates = new Map<string, Array<{ month: string; rate: number }>>();
  for (const [key, monthly] of Object.entries(rawRates ?? {})) {
    const where = `${CURRENCY_KEY}.exchangeRates.${key}`;
    const currency = currencyCode(key, `The key ${where}`);
    if (currency === display) {
      throw new InputError(
        `${where}: ${display} is the display currency, whose rate is always 1; remove it`,
      );
    }
    if (rates.has(currency)) {
      throw new InputError(
        `${CURRENCY_KEY}.exchangeRates has ${currency} twice, in different cases`,
      );
    }
    if (!isObject(monthly)) {
      throw new InputError(
        `${where} must map months (YYYY-MM) to rates, such as { '2026-10': 1.08 }`,
      );
    }
    rates.set(
      currency,
      Object.entries(monthly)
        .map(([month, rate]) => {
          if (!MONTH.test(month)) {
            throw new InputError(
              `${where} has "${month}", which is not a month as YYYY-MM, such as 2026-10`,
            );
          }
          return { month, rate: positiveRate(rate, `${where}.${month}`) };
        })
        .sort((a, b) => b.month.localeCompare(a.month)),
    );
  }
  return { display, rates };
}

export function readCostConfig(root: Config, tmpdir: string): CostConfig {
  const cost = root.getOptionalConfig('multicloud.cost');
  const imports = cost?.getOptionalConfig('imports');
  const tags = cost?.getOptionalConfig('attribution.tagKeys');
  const folders = (imports?.getOptionalConfigArray('folders') ?? []).map(
    folder => ({
      id: folder.getString('id'),
      path: folder.getString('path'),
      settleMs: durationMs(folder, 'settleTime', DEFAULT_SETTLE_MS, {
        allowZero: true,
        label: `multicloud.cost.imports.folders (${folder.getString(
          'id',
        )}).settleTime`,
      }),
      schedule: schedule(folder.getOptionalConfig('schedule'), {
        frequency: { hours: 1 },
        timeout: { hours: 1 },
        initialDelay: { seconds: 15 },
      }),
    }),
  );
  const ids = folders.map(f => f.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) {
    throw new InputError(
      `multicloud.cost.imports.folders has two folders with id "${duplicate}"`,
    );
  }
  return {
    limits: {
      maxUploadBytes: positive(imports, 'maxUploadBytes', 2 ** 31),
      maxDecompressedBytes: positive(
        imports,
        'maxDecompressedBytes',
        20 * 2 ** 30,
      ),
      maxRows: positive(imports, 'maxRows', 50_000_000),
      timeoutMs: durationMs(imports, 'timeout', 30 * 60 * 1000),
      memoryLimit: imports?.getOptionalString('memoryLimit') ?? '256MB',
      threads: imports?.getOptionalNumber('threads') ?? 2,
      tempDirectory: imports?.getOptionalString('tempDirectory') ?? tmpdir,
      maxErrors: imports?.getOptionalNumber('maxErrors') ?? 20,
    },
    folders,
    tagKeys: {
      component:
        tags?.getOptionalStringArray('component') ?? DEFAULT_TAG_KEYS.component,
      system: tags?.getOptionalStringArray('system') ?? DEFAULT_TAG_KEYS.system,
      owner: tags?.getOptionalStringArray('owner') ?? DEFAULT_TAG_KEYS.owner,
    },
    attributionSchedule: schedule(
      cost?.getOptionalConfig('attribution.schedule'),
      {
        frequency: { minutes: 5 },
        timeout: { minutes: 30 },
        initialDelay: { seconds: 30 },
      },
    ),
    exchangeRates: readExchangeRates(root),
  };
}
