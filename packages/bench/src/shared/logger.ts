/* The root logger the benches give their test backends. */
import { LoggerService } from '@backstage/backend-plugin-api';

/**
 * A logger that prints info and above with a prefix (debug and audit events
 * are dropped), with the process's RSS at that moment when `withRss`. Given
 * to the test backend as its root logger, so the plugin's own log lines
 * (the importer's timings among them) are printed; `onInfo` sees each info
 * line's message, for a bench that reads figures from them.
 */
export function printingLogger(
  prefix: string,
  withRss = false,
  onInfo?: (message: string) => void,
): LoggerService {
  const print = (level: string) => (message: string, meta?: Error | object) => {
    const extra = meta instanceof Error ? ` ${meta.message}` : '';
    const rss = withRss
      ? ` [rss ${(process.memoryUsage.rss() / 1024 / 1024).toFixed(0)} MiB]`
      : '';
    process.stdout.write(
      `  ${prefix} [${level}] ${
        message.length > 400 ? `${message.slice(0, 397)}...` : message
      }${extra}${rss}\n`,
    );
  };
  const printInfo = print('info');
  const silent: LoggerService = {
    debug() {},
    info() {},
    warn() {},
    error() {},
    child: () => silent,
  };
  const logger: LoggerService = {
    debug() {},
    info: (message, meta) => {
      onInfo?.(message);
      printInfo(message, meta);
    },
    warn: print('warn'),
    error: print('error'),
    child: meta =>
      (meta as { isAuditEvent?: boolean }).isAuditEvent ? silent : logger,
  };
  return logger;
}
