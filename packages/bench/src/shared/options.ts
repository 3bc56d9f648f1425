/* Command-line options of the backend benches: `--name=value` arguments, whole numbers, engines. */
import { ENGINES, Engine, UsageError } from './postgres';

/** `--name=value` and `--flag` arguments by name; anything else, or a name not in `known`, is a usage error. */
export function parseArguments(
  argv: string[],
  known: string[],
): Map<string, string> {
  const args = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      throw new UsageError(`Unknown argument '${arg}'`);
    }
    args.set(match[1], match[2] ?? '');
  }
  for (const key of args.keys()) {
    if (!known.includes(key)) {
      throw new UsageError(`Unknown option '--${key}'`);
    }
  }
  return args;
}

/** A whole number of at least `min` (`10_000_000` and `10,000,000` allowed), or `fallback` when unset. */
export function wholeNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const number = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(number) || number < min) {
    throw new UsageError(
      `${name} must be a whole number of at least ${min}, got '${value}'`,
    );
  }
  return number;
}

/** `sqlite,postgres` (`pg` for short), in the order given; both when unset. */
export function readEngines(value: string | undefined): Engine[] {
  const engines: Engine[] = [];
  for (const name of (value ?? ENGINES.join(','))
    .split(',')
    .map(e => e.trim())) {
    const engine = name === 'pg' ? 'postgres' : name;
    if (!ENGINES.includes(engine as Engine)) {
      throw new UsageError(
        `--engines takes sqlite and/or postgres, got '${name}'`,
      );
    }
    engines.push(engine as Engine);
  }
  return engines;
}

/** The PostgreSQL server's URL, without a trailing slash. */
export function postgresServerUrl(value: string | undefined): string {
  return (value ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
}
