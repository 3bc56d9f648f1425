import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import {
  createTempDir,
  FAKE_TERRAFORM,
  iacConfig,
  runAction,
} from '../__testUtils__/testContext';
import { createIacAction } from './createIacAction';
import { IDENTIFIER_PATTERN } from './inputSchemas';

jest.setTimeout(30_000);

/**
 * A minimal action: runs `terraform plan` (the stand-in, which records each
 * call in `.fake-terraform/calls.jsonl` of its working directory) in the
 * step's temporary directory.
 */
function createTestAction(calls: string[] = [], tmpDirs: string[] = []) {
  return createIacAction(
    {
      config: iacConfig({
        terraform: {
          binary: FAKE_TERRAFORM,
          secretEnvironment: { ARM_CLIENT_SECRET: 'client-secret-93' },
        },
      }),
    },
    {
      id: 'test:run',
      tool: 'terraform',
      description: 'Runs the tool once.',
      examples: [],
      schema: {
        input: z =>
          z.object({
            name: z
              .string({ description: 'A name.' })
              .regex(IDENTIFIER_PATTERN),
            greeting: z.string({ description: 'A greeting.' }).default('hello'),
            password: z.string({ description: 'A secret.' }).optional(),
          }),
        output: z =>
          z.object({
            message: z.string(),
            exitCode: z.number(),
            dryRun: z.boolean(),
          }),
      },
      sensitiveInput: input => [input.password],
      environment: ({ tmpDir }) => ({ TEST_TMP_DIR: tmpDir }),
      check({ input }) {
        calls.push('check');
        if (input.name === 'refused') {
          throw new InputError('name refused by the check');
        }
        return { upper: input.name.toUpperCase() };
      },
      async run({ input, checked, runtime, tmpDir, checkpoint }) {
        calls.push('run');
        tmpDirs.push(tmpDir);
        runtime.logger.info(
          `${input.greeting} ${checked.upper}, password ${input.password}, secret client-secret-93`,
        );
        const { exitCode } = await checkpoint('test.plan', async () => {
          const result = await runtime.run(['plan'], {
            cwd: tmpDir,
            label: 'terraform plan',
          });
          return { exitCode: result.exitCode ?? -1 };
        });
        return { message: `${input.greeting} ${checked.upper}`, exitCode };
      },
    },
  );
}

function fakeTerraformCalls(dir: string): Array<{ envNames: string[] }> {
  const file = path.join(dir, '.fake-terraform', 'calls.jsonl');
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map(line => JSON.parse(line))
    : [];
}

describe('createIacAction', () => {
  it('parses the input with its schema, defaults applied, before the check runs', async () => {
    const calls: string[] = [];
    const action = createTestAction(calls);
    const workspace = createTempDir();

    const refused = await runAction(action, {
      workspacePath: workspace,
      input: { name: '--kubeconfig' },
    });
    expect(refused.error).toBeInstanceOf(InputError);
    expect(refused.error?.message).toBe(
      'Invalid input to test:run: name: Invalid',
    );
    expect(calls).toEqual([]);

    const checked = await runAction(action, {
      workspacePath: workspace,
      input: { name: 'refused' },
    });
    expect(checked.error?.message).toBe('name refused by the check');
    expect(calls).toEqual(['check']);
    expect(checked.outputs).toEqual({});
  });

  it('in a real run, runs the tool inside a checkpoint, masks secrets and sets the outputs and dryRun', async () => {
    const tmpDirs: string[] = [];
    const result = await runAction(createTestAction([], tmpDirs), {
      workspacePath: createTempDir(),
      input: { name: 'web', password: 'pa55word-x' },
      secrets: { token: 'task-secret-1' },
    });
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual(['test.plan']);
    expect(result.text).toContain('info: Using terraform 1.9.8');
    expect(result.text).toContain('info: hello WEB, password ***, secret ***');
    expect(result.outputs).toEqual({
      message: 'hello WEB',
      exitCode: 0,
      dryRun: false,
    });
    const [call] = fakeTerraformCalls(tmpDirs[0]);
    expect(call.envNames).toContain('TEST_TMP_DIR');
  });

  it('in a dry run, executes nothing and checkpoints nothing', async () => {
    const tmpDirs: string[] = [];
    const action = createTestAction([], tmpDirs);
    const result = await runAction(action, {
      workspacePath: createTempDir(),
      input: { name: 'web', greeting: 'hi' },
      isDryRun: true,
    });
    expect(result.error).toBeUndefined();
    expect(result.checkpoints).toEqual([]);
    expect(result.text).toContain('info: Dry run: nothing is executed.');
    expect(result.text).toMatch(/Dry run: would run in \S+: \S+ plan/);
    expect(result.outputs).toEqual({
      message: 'hi WEB',
      exitCode: 0,
      dryRun: true,
    });
    expect(tmpDirs).toHaveLength(1);
    expect(fakeTerraformCalls(tmpDirs[0])).toEqual([]);
  });
});
