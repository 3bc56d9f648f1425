import { LoggerService } from '@backstage/backend-plugin-api';
import { Zod, ZodNumber, ZodObject, ZodOutput } from '../../lib/types';

/*
 * The events the stdout callback plugin (./callbackPlugin.ts) prints, one
 * JSON object a line, and how they become task log lines.
 */

/** Per-host counts of the play recap, as the plugin's `stats` event gives them. */
export const hostStatsSchema = (
  z: Zod,
): ZodObject<{
  ok: ZodNumber;
  changed: ZodNumber;
  unreachable: ZodNumber;
  failures: ZodNumber;
  skipped: ZodNumber;
  rescued: ZodNumber;
  ignored: ZodNumber;
}> =>
  z.object({
    ok: z.number(),
    changed: z.number(),
    unreachable: z.number(),
    failures: z.number(),
    skipped: z.number(),
    rescued: z.number(),
    ignored: z.number(),
  });
export type HostStats = ZodOutput<ReturnType<typeof hostStatsSchema>>;

interface AnsibleEvent {
  event: string;
  host?: string;
  task?: string;
  name?: string;
  item?: string;
  msg?: string;
  text?: string;
  changed?: boolean;
  handler?: boolean;
  ignore_errors?: boolean;
  attempts?: number;
  retries?: number;
  hosts?: Record<string, HostStats>;
}

/**
 * Turns the callback plugin's JSON lines into task log lines in Ansible's own
 * wording, and remembers the stats and the first failure.
 */
export function createAnsibleEventHandler(logger: LoggerService) {
  const state: {
    stats: Record<string, HostStats>;
    failure?: { task: string; host: string; msg: string };
  } = { stats: {} };

  const onLine = (line: string) => {
    if (!line.trim()) {
      return;
    }
    let e: AnsibleEvent;
    try {
      e = JSON.parse(line);
    } catch {
      logger.info(line);
      return;
    }
    if (!e || typeof e.event !== 'string') {
      logger.info(line);
      return;
    }
    const suffix = e.msg ? ` => ${e.msg}` : '';
    const item = e.item !== undefined ? ` (item=${e.item})` : '';
    switch (e.event) {
      case 'play_start':
        logger.info(`PLAY [${e.name}]`);
        break;
      case 'task_start':
        logger.info(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]`);
        break;
      case 'ok':
        logger.info(`${e.changed ? 'changed' : 'ok'}: [${e.host}]${suffix}`);
        break;
      case 'item_ok':
        logger.info(`${e.changed ? 'changed' : 'ok'}: [${e.host}]${item}`);
        break;
      case 'skipped':
        logger.info(`skipping: [${e.host}]`);
        break;
      case 'item_skipped':
        logger.info(`skipping: [${e.host}]${item}`);
        break;
      case 'item_failed':
        logger.error(`failed: [${e.host}]${item}${suffix}`);
        break;
      case 'retry':
        logger.warn(
          `FAILED - RETRYING: [${e.host}]: ${e.task} (${
            (e.retries ?? 0) - (e.attempts ?? 0)
          } retries left)`,
        );
        break;
      case 'failed':
      case 'unreachable':
        if (e.ignore_errors) {
          logger.warn(`failed: [${e.host}]${suffix} ...ignoring`);
          break;
        }
        logger.error(
          `${e.event === 'failed' ? 'fatal' : 'unreachable'}: [${
            e.host
          }]${suffix}`,
        );
        state.failure ??= {
          task: e.task ?? '',
          host: e.host ?? '',
          msg: e.msg || e.event,
        };
        break;
      case 'diff':
        (e.text ?? '').split('\n').forEach(diffLine => {
          if (diffLine.trim()) {
            logger.info(diffLine);
          }
        });
        break;
      case 'stats':
        state.stats = e.hosts ?? {};
        logger.info('PLAY RECAP');
        for (const [host, s] of Object.entries(state.stats)) {
          logger.info(
            `${host}: ok=${s.ok} changed=${s.changed} unreachable=${s.unreachable} failed=${s.failures} skipped=${s.skipped} rescued=${s.rescued} ignored=${s.ignored}`,
          );
        }
        break;
      case 'warning':
        logger.warn(`[WARNING]: ${e.msg}`);
        break;
      default:
        logger.info(line);
    }
  };
  return { onLine, state };
}
