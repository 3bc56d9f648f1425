import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/config';
import { Redactor } from './redactor';

type Meta = Error | JsonObject | undefined;

function wrap(logger: LoggerService, redact: Redactor): LoggerService {
  const meta = (m: Meta): Meta => {
    if (m === undefined) {
      return undefined;
    }
    if (m instanceof Error) {
      return redact.redactError(m);
    }
    return redact.redactValue(m);
  };
  return {
    error: (message, m) => logger.error(redact(message), meta(m)),
    warn: (message, m) => logger.warn(redact(message), meta(m)),
    info: (message, m) => logger.info(redact(message), meta(m)),
    debug: (message, m) => logger.debug(redact(message), meta(m)),
    child: m => wrap(logger.child(redact.redactValue(m)), redact),
  };
}

/**
 * Wraps the task logger so that every message and every metadata string
 * passes through the redactor before it reaches the task log. The
 * redactor's warnings (secrets too short to mask) go to the task log too.
 */
export function createRedactingLogger(
  logger: LoggerService,
  redact: Redactor,
): LoggerService {
  redact.onWarning(message => logger.warn(message));
  return wrap(logger, redact);
}
