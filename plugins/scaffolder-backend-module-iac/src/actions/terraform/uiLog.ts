import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject, JsonValue } from '@backstage/types';
import {
  Zod,
  ZodNumber,
  ZodObject,
  ZodOutput,
  ZodString,
} from '../../lib/types';

/** The step output of Terraform's change summary. */
export const changeSummarySchema = (
  z: Zod,
): ZodObject<{ add: ZodNumber; change: ZodNumber; remove: ZodNumber }> =>
  z.object({
    add: z.number(),
    change: z.number(),
    remove: z.number(),
  });
export type ChangeSummary = ZodOutput<ReturnType<typeof changeSummarySchema>>;

/** The step output of one planned or applied change. */
export const resourceChangeSchema = (
  z: Zod,
): ZodObject<{ address: ZodString; action: ZodString }> =>
  z.object({
    address: z.string(),
    action: z.string(),
  });
export type ResourceChange = ZodOutput<ReturnType<typeof resourceChangeSchema>>;

/** Everything read from one `-json` run of plan, apply or destroy. */
export interface TerraformRunReport {
  summary?: ChangeSummary;
  resourceChanges: ResourceChange[];
  errors: string[];
}

export function emptySummary(): ChangeSummary {
  return { add: 0, change: 0, remove: 0 };
}

function formatDiagnostic(diagnostic: JsonObject | undefined): string {
  if (!diagnostic) {
    return '';
  }
  const severity = diagnostic.severity === 'warning' ? 'Warning' : 'Error';
  const range = diagnostic.range as JsonObject | undefined;
  const start = range?.start as JsonObject | undefined;
  const where =
    range?.filename && start?.line ? ` (${range.filename}:${start.line})` : '';
  const detail =
    typeof diagnostic.detail === 'string' && diagnostic.detail.trim()
      ? `: ${diagnostic.detail.trim().replace(/\s*\n\s*/g, ' ')}`
      : '';
  return `${severity}: ${diagnostic.summary ?? ''}${detail}${where}`;
}

/**
 * Turns Terraform's machine-readable UI (`-json`, one message a line) into
 * readable task log lines and collects the change summary, the planned or
 * applied resource changes and the error diagnostics. Output values are never
 * logged. Lines that are not JSON (a provider's stray output) are logged as
 * they are.
 */
export function createTerraformUiHandler(logger: LoggerService) {
  const report: TerraformRunReport = { resourceChanges: [], errors: [] };
  const onLine = (line: string) => {
    if (!line.trim()) {
      return;
    }
    let message: JsonObject;
    try {
      const parsed = JSON.parse(line) as JsonValue;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('not a message');
      }
      message = parsed;
    } catch {
      logger.info(line);
      return;
    }
    const text = String(message['@message'] ?? '');
    const level = message['@level'];
    switch (message.type) {
      case 'planned_change': {
        const change = message.change as JsonObject | undefined;
        const resource = change?.resource as JsonObject | undefined;
        if (resource?.addr && change?.action) {
          report.resourceChanges.push({
            address: String(resource.addr),
            action: String(change.action),
          });
        }
        logger.info(text);
        return;
      }
      case 'change_summary': {
        const changes = message.changes as JsonObject | undefined;
        if (changes) {
          report.summary = {
            add: Number(changes.add ?? 0),
            change: Number(changes.change ?? 0),
            remove: Number(changes.remove ?? 0),
          };
        }
        logger.info(text);
        return;
      }
      case 'diagnostic': {
        const diagnostic = message.diagnostic as JsonObject | undefined;
        const formatted = formatDiagnostic(diagnostic) || text;
        if (diagnostic?.severity === 'error' || level === 'error') {
          report.errors.push(formatted);
          logger.error(formatted);
        } else {
          logger.warn(formatted);
        }
        return;
      }
      case 'outputs': {
        const names = Object.keys((message.outputs as JsonObject) ?? {});
        logger.info(
          names.length
            ? `Outputs: ${names.join(
                ', ',
              )} (values are returned as step outputs, sensitive ones never)`
            : text,
        );
        return;
      }
      case 'apply_errored':
      case 'provision_errored':
        logger.error(text);
        return;
      case 'resource_drift':
        logger.warn(text);
        return;
      default:
        if (level === 'error') {
          logger.error(text);
        } else if (level === 'warn') {
          logger.warn(text);
        } else if (text) {
          logger.info(text);
        }
    }
  };
  return { onLine, report };
}
