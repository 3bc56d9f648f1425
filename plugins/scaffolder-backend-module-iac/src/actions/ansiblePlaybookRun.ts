import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { z } from 'zod';
import { readIacSettings } from '../lib/config';
import {
  forScaffolder,
  HOST_LIMIT_PATTERN,
  HOST_PATTERN,
  jsonValues,
  parseInput,
  TAG_PATTERN,
  USER_PATTERN,
  workspacePath,
} from '../lib/inputSchemas';
import { createToolBinaryResolver } from '../lib/toolBinary';
import { describeFailure, prepareToolRuntime } from '../lib/toolRuntime';
import { resolveWorkspacePath, writePrivateFile } from '../lib/workspacePaths';
import {
  ANSIBLE_CALLBACK_NAME,
  ANSIBLE_CALLBACK_PLUGIN_SOURCE,
} from './ansibleCallbackPlugin';
import { examples } from './ansiblePlaybookRun.examples';
import { IacActionOptions } from './terraformPlan';

const ACTION_ID = 'ansible:playbook:run';

/** Group of the inventory generated from the `hosts` input. */
export const GENERATED_INVENTORY_GROUP = 'targets';

const inputSchema = z.object({
  playbook: workspacePath('Playbook file, relative to the task workspace.'),
  inventory: workspacePath(
    'Inventory file or directory, relative to the task workspace. Give this or `hosts`.',
  ).optional(),
  hosts: z
    .array(
      z
        .string()
        .max(253)
        .regex(HOST_PATTERN, { message: 'must be a host name or IP address' }),
      {
        description: `Hosts to configure, for example the address a terraform:apply step returned. They are written to a generated inventory, in the group \`${GENERATED_INVENTORY_GROUP}\`. Give this or \`inventory\`.`,
      },
    )
    .min(1)
    .max(500)
    .optional(),
  connection: z
    .enum(['ssh', 'local'], {
      description:
        'Connection for the generated inventory. `local` runs the tasks on the Backstage host itself and is refused unless multicloud.iac.ansible.allowLocalConnection is true. Default: ssh.',
    })
    .optional(),
  remoteUser: z
    .string({ description: 'User to connect as (`--user`).' })
    .max(64)
    .regex(USER_PATTERN, { message: 'must be a user name' })
    .optional(),
  become: z
    .boolean({
      description: 'Run tasks with privilege escalation (`--become`).',
    })
    .optional(),
  extraVars: jsonValues(
    'Extra variables, written to a JSON file passed as `--extra-vars @file` (mode 0600), never on the command line.',
  ).optional(),
  sensitiveExtraVars: jsonValues(
    'Extra variables whose values are secrets, for example `${{ secrets.registryToken }}`; written to the same file and masked in every log line and output.',
  ).optional(),
  limit: z
    .string({ description: 'Host pattern to limit the run to (`--limit`).' })
    .max(1024)
    .regex(HOST_LIMIT_PATTERN, { message: 'must be an Ansible host pattern' })
    .optional(),
  tags: z
    .array(z.string().max(128).regex(TAG_PATTERN, { message: 'invalid tag' }), {
      description: 'Only run tasks with these tags (`--tags`).',
    })
    .optional(),
  skipTags: z
    .array(z.string().max(128).regex(TAG_PATTERN, { message: 'invalid tag' }), {
      description: 'Skip tasks with these tags (`--skip-tags`).',
    })
    .optional(),
});
type AnsibleInput = z.output<typeof inputSchema>;

const hostStatsSchema = z.object({
  ok: z.number(),
  changed: z.number(),
  unreachable: z.number(),
  failures: z.number(),
  skipped: z.number(),
  rescued: z.number(),
  ignored: z.number(),
});
type HostStats = z.output<typeof hostStatsSchema>;

const outputSchema = z.object({
  stats: z
    .record(hostStatsSchema)
    .describe('Per-host counts of the play recap, by host name.'),
  changed: z.boolean().describe('Whether any host reported a change.'),
  checkMode: z
    .boolean()
    .describe('Whether the run was a dry run (`--check --diff`).'),
});

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
function createAnsibleEventHandler(logger: LoggerService) {
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

async function writeGeneratedInventory(
  input: AnsibleInput,
  tmpDir: string,
): Promise<string> {
  const hostVars =
    input.connection === 'local' ? { ansible_connection: 'local' } : {};
  const hosts = Object.fromEntries(
    (input.hosts ?? []).map(h => [h.replace(/^\[(.*)\]$/, '$1'), hostVars]),
  );
  const file = path.join(tmpDir, 'inventory.yaml');
  await writePrivateFile(
    file,
    yaml.stringify({
      all: { children: { [GENERATED_INVENTORY_GROUP]: { hosts } } },
    }),
  );
  return file;
}

/**
 * Creates the `ansible:playbook:run` action. A dry run runs the playbook with
 * `--check --diff`, which reports what would change without changing it.
 *
 * @public
 */
export function createAnsiblePlaybookRunAction(options: IacActionOptions) {
  const settings = readIacSettings(options.config).ansible;
  const binaries = options.binaries ?? createToolBinaryResolver();

  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Runs an Ansible playbook from the workspace against an inventory from the workspace or a list of hosts. Logs each task and host result; returns the per-host stats.',
    examples,
    supportsDryRun: true,
    schema: {
      input: forScaffolder(inputSchema),
      output: forScaffolder(outputSchema),
    },
    async handler(ctx) {
      const input = parseInput(inputSchema, ctx.input, ACTION_ID);
      if (!input.inventory === !input.hosts) {
        throw new InputError(
          `${ACTION_ID} needs exactly one of inventory and hosts`,
        );
      }
      if (input.connection && !input.hosts) {
        throw new InputError(
          'connection applies to the inventory generated from hosts; set it in the inventory file instead',
        );
      }
      if (input.connection === 'local' && !settings.allowLocalConnection) {
        throw new InputError(
          'connection: local runs the playbook on the Backstage host and is disabled; set multicloud.iac.ansible.allowLocalConnection to true to allow it',
        );
      }
      const playbook = await resolveWorkspacePath(
        ctx.workspacePath,
        input.playbook,
        'file',
        'playbook',
      );
      const inventoryFromWorkspace = input.inventory
        ? await resolveWorkspacePath(
            ctx.workspacePath,
            input.inventory,
            'file or directory',
            'inventory',
          )
        : undefined;

      const tmpDir = await ctx.createTemporaryDirectory();
      const pluginDir = path.join(tmpDir, 'callback_plugins');
      const localTemp = path.join(tmpDir, 'ansible-local');
      await fs.promises.mkdir(pluginDir, { recursive: true });
      await fs.promises.mkdir(localTemp, { recursive: true, mode: 0o700 });
      await fs.promises.writeFile(
        path.join(pluginDir, `${ANSIBLE_CALLBACK_NAME}.py`),
        ANSIBLE_CALLBACK_PLUGIN_SOURCE,
      );

      const runtime = await prepareToolRuntime({
        ctx,
        settings,
        binaries,
        sensitiveInput: [input.sensitiveExtraVars ?? {}],
        fixedEnv: {
          ...(process.env.LANG || process.env.LC_ALL
            ? {}
            : { LANG: 'C.UTF-8' }),
          ANSIBLE_STDOUT_CALLBACK: ANSIBLE_CALLBACK_NAME,
          ANSIBLE_CALLBACK_PLUGINS: pluginDir,
          ANSIBLE_LOCAL_TEMP: localTemp,
          ANSIBLE_NOCOLOR: '1',
          ANSIBLE_FORCE_COLOR: '0',
          ANSIBLE_RETRY_FILES_ENABLED: '0',
          PYTHONUNBUFFERED: '1',
        },
      });

      const inventory =
        inventoryFromWorkspace ??
        (await writeGeneratedInventory(input, tmpDir));
      const args = ['--inventory', inventory];
      const extraVars = { ...input.extraVars, ...input.sensitiveExtraVars };
      if (Object.keys(extraVars).length > 0) {
        const varsFile = path.join(tmpDir, 'extra-vars.json');
        await writePrivateFile(varsFile, JSON.stringify(extraVars));
        args.push('--extra-vars', `@${varsFile}`);
      }
      if (input.limit) {
        args.push('--limit', input.limit);
      }
      if (input.tags?.length) {
        args.push('--tags', input.tags.join(','));
      }
      if (input.skipTags?.length) {
        args.push('--skip-tags', input.skipTags.join(','));
      }
      if (input.remoteUser) {
        args.push('--user', input.remoteUser);
      }
      if (input.become) {
        args.push('--become');
      }
      if (ctx.isDryRun) {
        args.push('--check', '--diff');
        runtime.logger.info(
          'Dry run: running in check mode (--check --diff); nothing is changed',
        );
      }
      args.push(playbook);

      const run = async () => {
        const events = createAnsibleEventHandler(runtime.logger);
        const result = await runtime.run(args, {
          cwd: path.dirname(playbook),
          label: 'ansible-playbook',
          onStdoutLine: events.onLine,
          onStderrLine: line => {
            if (!line.trim()) {
              return;
            }
            if (line.startsWith('ERROR!')) {
              runtime.logger.error(line);
            } else {
              runtime.logger.warn(line);
            }
          },
        });
        const stats = runtime.redactor.redactValue(events.state.stats);
        if (result.exitCode !== 0) {
          ctx.output('stats', stats);
          const { failure } = events.state;
          const message = failure
            ? `Task "${failure.task}" failed on ${failure.host}: ${failure.msg}`
            : undefined;
          throw new Error(
            describeFailure(
              'ansible-playbook',
              result,
              message && runtime.redactor(message),
            ),
          );
        }
        return { stats };
      };

      const { stats } = ctx.isDryRun
        ? await run()
        : await ctx.checkpoint({
            key: `ansible.playbook.${input.playbook}`,
            fn: run,
          });
      ctx.output('stats', stats);
      ctx.output(
        'changed',
        Object.values(stats).some(s => s.changed > 0),
      );
      ctx.output('checkMode', Boolean(ctx.isDryRun));
    },
  });
}
