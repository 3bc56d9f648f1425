import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader, JsonObject } from '@backstage/config';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FAKE_TERRAFORM = path.resolve(
  __dirname,
  '../__fixtures__/fake-terraform.js',
);
export const FAKE_HELM = path.resolve(
  __dirname,
  '../__fixtures__/fake-helm.js',
);

export interface LogEntry {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta?: unknown;
}

/** A logger that keeps what it was given, as the task log would. */
export function createCapturingLogger(entries: LogEntry[] = []): LoggerService {
  const log = (level: LogEntry['level']) => (message: string, meta?: unknown) =>
    entries.push({ level, message, meta });
  const logger: LoggerService = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: () => logger,
  };
  return logger;
}

export function createTempDir(prefix = 'iac-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function iacConfig(iac: JsonObject) {
  return new ConfigReader({ multicloud: { iac } });
}

/** Runs an action's handler the way the scaffolder does, and records the result. */
export async function runAction(
  action: TemplateAction<any, any, any>,
  options: {
    workspacePath: string;
    input: Record<string, unknown>;
    secrets?: Record<string, string>;
    isDryRun?: boolean;
    signal?: AbortSignal;
    /** The scaffolder task the step belongs to. Default: one fixed task. */
    taskId?: string;
  },
) {
  const logs: LogEntry[] = [];
  const outputs: Record<string, unknown> = {};
  const checkpoints: string[] = [];
  const ctx = {
    ...createMockActionContext({
      workspacePath: options.workspacePath,
      input: options.input as JsonObject,
      secrets: options.secrets,
      logger: createCapturingLogger(logs),
    }),
    isDryRun: options.isDryRun,
    signal: options.signal,
    task: { id: options.taskId ?? 'task-1' },
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    checkpoint: async ({ key, fn }: { key: string; fn: () => any }) => {
      checkpoints.push(key);
      return fn();
    },
    createTemporaryDirectory: async () => createTempDir('iac-step-'),
  };
  let error: Error | undefined;
  try {
    await action.handler(ctx as any);
  } catch (e) {
    error = e as Error;
  }
  const text = logs.map(l => `${l.level}: ${l.message}`).join('\n');
  return { logs, text, outputs, error, checkpoints };
}

/** Everything an action run exposed: log lines, outputs and the error. */
export function everythingVisible(
  result: Awaited<ReturnType<typeof runAction>>,
) {
  return [
    result.text,
    JSON.stringify(result.logs.map(l => l.meta ?? null)),
    JSON.stringify(result.outputs),
    result.error?.message ?? '',
  ].join('\n');
}
