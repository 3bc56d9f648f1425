import { InputError } from '@backstage/errors';
import path from 'node:path';
import yaml from 'yaml';
import { createIacAction } from '../../lib/createIacAction';
import {
  HOST_LIMIT_PATTERN,
  HOST_PATTERN,
  TAG_PATTERN,
  USER_PATTERN,
  workspacePath,
} from '../../lib/inputSchemas';
import { describeFailure, ToolRuntime } from '../../lib/toolRuntime';
import { IacActionOptions, Zod, ZodOutput } from '../../lib/types';
import { examples } from './ansiblePlaybookRun.examples';
import {
  ANSIBLE_CALLBACK_NAME,
  ANSIBLE_CALLBACK_PLUGIN_SOURCE,
} from './callbackPlugin';
import {
  findLocalExecutionInHosts,
  findLocalExecutionInInventory,
  findLocalExecutionInPlaybook,
} from './connectionGuard';
import { createAnsibleEventHandler, hostStatsSchema } from './events';
import { outlinePlaybook, readPlaybook } from './playbookFile';
import { ansibleExtraVars, toUnsafeExtraVarsJson } from './variables';

const ACTION_ID = 'ansible:playbook:run';

/** Group of the inventory generated from the `hosts` input. */
export const GENERATED_INVENTORY_GROUP = 'targets';

const inputSchema = (z: Zod) =>
  z.object({
    playbook: workspacePath(
      z,
      'Playbook file, relative to the task workspace.',
    ),
    inventory: workspacePath(
      z,
      'Inventory file or directory, relative to the task workspace. Give this or `hosts`.',
    ).optional(),
    hosts: z
      .array(
        z.string().max(253).regex(HOST_PATTERN, {
          message: 'must be a host name or IP address',
        }),
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
    extraVars: ansibleExtraVars(
      z,
      'Extra variables, written to a JSON file passed as `--extra-vars @file` (mode 0600), never on the command line. Every string in them is passed as unsafe: Ansible uses it as literal text and never renders a template in it. Names Ansible reads itself (ansible_*, inventory_*, role_*, hostvars, groups, group_names, omit, playbook_dir, play_hosts, environment, vars) are refused.',
    ).optional(),
    sensitiveExtraVars: ansibleExtraVars(
      z,
      'Extra variables whose values are secrets, for example `${{ secrets.registryToken }}`; written to the same file, passed as unsafe like `extraVars`, and masked in every log line and output.',
    ).optional(),
    limit: z
      .string({ description: 'Host pattern to limit the run to (`--limit`).' })
      .max(1024)
      .regex(HOST_LIMIT_PATTERN, { message: 'must be an Ansible host pattern' })
      .optional(),
    tags: z
      .array(
        z.string().max(128).regex(TAG_PATTERN, { message: 'invalid tag' }),
        {
          description: 'Only run tasks with these tags (`--tags`).',
        },
      )
      .optional(),
    skipTags: z
      .array(
        z.string().max(128).regex(TAG_PATTERN, { message: 'invalid tag' }),
        {
          description: 'Skip tasks with these tags (`--skip-tags`).',
        },
      )
      .optional(),
  });
type AnsibleInput = ZodOutput<ReturnType<typeof inputSchema>>;

const outputSchema = (z: Zod) =>
  z.object({
    stats: z
      .record(hostStatsSchema(z))
      .describe('Per-host counts of the play recap, by host name.'),
    changed: z.boolean().describe('Whether any host reported a change.'),
    dryRun: z
      .boolean()
      .describe('Whether this was a dry run: nothing ran, and stats is empty.'),
  });

function generatedInventory(input: AnsibleInput): string {
  const hostVars =
    input.connection === 'local' ? { ansible_connection: 'local' } : {};
  const hosts = Object.fromEntries(
    (input.hosts ?? []).map(h => [h.replace(/^\[(.*)\]$/, '$1'), hostVars]),
  );
  return yaml.stringify({
    all: { children: { [GENERATED_INVENTORY_GROUP]: { hosts } } },
  });
}

/** Keeps an ini value literal: Python's configparser interpolates `%`. */
const iniValue = (value: string) => value.replace(/%/g, '%%');

/**
 * The only configuration file Ansible reads (`ANSIBLE_CONFIG`): an
 * ansible.cfg of the workspace, the working directory or the home directory
 * is never loaded, so a template cannot change plugins, paths or callbacks.
 */
function ansibleConfigFile(tmpDir: string): string {
  return [
    '# Written by @multicloud/plugin-scaffolder-backend-module-iac for one run.',
    '[defaults]',
    `stdout_callback = ${ANSIBLE_CALLBACK_NAME}`,
    `callback_plugins = ${iniValue(path.join(tmpDir, 'callback_plugins'))}`,
    `local_tmp = ${iniValue(path.join(tmpDir, 'ansible-local'))}`,
    'retry_files_enabled = False',
    'nocolor = True',
    'force_color = False',
    '',
  ].join('\n');
}

/**
 * Asks Ansible which hosts and connections the inventory gives (group and
 * host variables next to the inventory and the playbook included) and
 * refuses any that would run tasks on the Backstage host. In a dry run the
 * command is only logged.
 */
async function checkInventoryConnections(
  runtime: ToolRuntime,
  inventory: string,
  playbook: string,
) {
  const lines: string[] = [];
  const result = await runtime.run(
    [
      '--list',
      '--inventory',
      inventory,
      '--playbook-dir',
      path.dirname(playbook),
    ],
    {
      command: path.join(path.dirname(runtime.binaryPath), 'ansible-inventory'),
      cwd: path.dirname(playbook),
      label: 'ansible-inventory',
      onStdoutLine: line => lines.push(line),
      onStderrLine: line => line.trim() && runtime.logger.warn(line),
    },
  );
  if (runtime.dryRun) {
    return;
  }
  if (result.exitCode !== 0) {
    throw new Error(describeFailure('ansible-inventory', result));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(lines.join('\n'));
  } catch {
    throw new Error('ansible-inventory --list did not print JSON');
  }
  refuseLocalExecution(findLocalExecutionInInventory(parsed));
}

function refuseLocalExecution(problems: string[]) {
  if (problems.length > 0) {
    throw new InputError(
      `Ansible would run tasks on the Backstage host, which multicloud.iac.ansible.allowLocalConnection: false forbids: ${problems.join(
        '; ',
      )}`,
    );
  }
}

/**
 * Creates the `ansible:playbook:run` action. A dry run runs nothing: it
 * checks the input, the paths and the playbook, lists the plays and tasks and
 * logs the command lines and files a real run would use.
 *
 * @public
 */
export function createAnsiblePlaybookRunAction(options: IacActionOptions) {
  return createIacAction(options, {
    id: ACTION_ID,
    tool: 'ansible',
    description:
      'Runs an Ansible playbook from the workspace against an inventory from the workspace or a list of hosts. Logs each task and host result; returns the per-host stats.',
    examples,
    schema: { input: inputSchema, output: outputSchema },
    sensitiveInput: input => [input.sensitiveExtraVars ?? {}],
    environment: ({ tmpDir }) => ({
      ...(process.env.LANG || process.env.LC_ALL ? {} : { LANG: 'C.UTF-8' }),
      ANSIBLE_CONFIG: path.join(tmpDir, 'ansible.cfg'),
      PYTHONUNBUFFERED: '1',
    }),
    async check({ ctx, input, settings, workspace }) {
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
      const playbook = await workspace.resolve(
        input.playbook,
        'file',
        'playbook',
      );
      const inventory = input.inventory
        ? await workspace.resolve(
            input.inventory,
            'file or directory',
            'inventory',
          )
        : undefined;
      // Ansible reads group_vars, host_vars, roles and files next to the
      // playbook and the inventory.
      const playbookFolder = path.posix.dirname(input.playbook);
      const inventoryFolder =
        input.inventory && path.posix.dirname(input.inventory);
      await workspace.refuseLinks(playbookFolder, 'The playbook folder');
      if (inventoryFolder && inventoryFolder !== playbookFolder) {
        await workspace.refuseLinks(inventoryFolder, 'The inventory folder');
      }

      const plays =
        ctx.isDryRun || !settings.allowLocalConnection
          ? await readPlaybook(playbook, input.playbook)
          : undefined;
      if (plays && !settings.allowLocalConnection) {
        refuseLocalExecution([
          ...findLocalExecutionInHosts(input.hosts ?? []),
          ...findLocalExecutionInPlaybook(plays),
        ]);
      }
      return { playbook, inventory, plays };
    },
    async run({ ctx, input, settings, checked, runtime, tmpDir, checkpoint }) {
      const { playbook, plays } = checked;
      if (runtime.dryRun && plays) {
        runtime.logger.info(
          `Dry run: playbook ${input.playbook} (nothing in it runs):`,
        );
        outlinePlaybook(plays).forEach(line => runtime.logger.info(line));
      }

      await runtime.writeFile(
        path.join(tmpDir, 'ansible.cfg'),
        ansibleConfigFile(tmpDir),
        'Ansible configuration (ANSIBLE_CONFIG)',
      );
      await runtime.writeFile(
        path.join(tmpDir, 'callback_plugins', `${ANSIBLE_CALLBACK_NAME}.py`),
        ANSIBLE_CALLBACK_PLUGIN_SOURCE,
        'stdout callback plugin',
      );
      let inventory = checked.inventory;
      if (!inventory) {
        inventory = path.join(tmpDir, 'inventory.yaml');
        await runtime.writeFile(
          inventory,
          generatedInventory(input),
          `inventory of ${input.hosts?.length ?? 0} host(s)`,
        );
      } else if (!settings.allowLocalConnection) {
        await checkInventoryConnections(runtime, inventory, playbook);
      }

      const args = ['--inventory', inventory];
      const extraVars = { ...input.extraVars, ...input.sensitiveExtraVars };
      if (Object.keys(extraVars).length > 0) {
        const varsFile = path.join(tmpDir, 'extra-vars.json');
        await runtime.writeFile(
          varsFile,
          toUnsafeExtraVarsJson(extraVars),
          `${
            Object.keys(extraVars).length
          } extra variable(s), every string marked unsafe`,
        );
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
      args.push(playbook);

      const { stats } = await checkpoint(
        `ansible.playbook.${input.playbook}`,
        async () => {
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
          const redactedStats = runtime.redactor.redactValue(
            events.state.stats,
          );
          if (result.exitCode !== 0) {
            ctx.output('stats', redactedStats);
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
          return { stats: redactedStats };
        },
      );
      if (runtime.dryRun) {
        runtime.logger.info(
          'Dry run: nothing ran; stats are empty until a real run',
        );
      }
      return {
        stats,
        changed: Object.values(stats).some(s => s.changed > 0),
      };
    },
  });
}
