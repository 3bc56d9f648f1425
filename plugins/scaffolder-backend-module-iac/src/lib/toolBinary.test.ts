import fs from 'node:fs';
import path from 'node:path';
import {
  createTempDir,
  FAKE_TERRAFORM,
  iacConfig,
} from '../__testUtils__/testContext';
import { readIacSettings } from './config';
import {
  buildToolEnvironment,
  createToolBinaryResolver,
  isVersionAllowed,
  parseToolVersion,
} from './toolBinary';

function settings(tool: 'terraform' | 'ansible' | 'helm', config: object = {}) {
  return readIacSettings(iacConfig({ [tool]: config }))[tool];
}

describe('parseToolVersion', () => {
  it('reads the version each tool prints', () => {
    expect(
      parseToolVersion(
        'terraform',
        '{"terraform_version":"1.9.8","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}',
      ),
    ).toBe('1.9.8');
    // OpenTofu prints the same JSON shape.
    expect(
      parseToolVersion(
        'terraform',
        '{"terraform_version":"1.8.3","platform":"linux_amd64"}',
      ),
    ).toBe('1.8.3');
    expect(
      parseToolVersion(
        'ansible',
        'ansible-playbook [core 2.14.18]\n  config file = None\n  python version = 3.11.2',
      ),
    ).toBe('2.14.18');
    expect(parseToolVersion('helm', 'v3.16.2+g13654a5\n')).toBe('3.16.2');
    expect(parseToolVersion('helm', 'nothing here')).toBeUndefined();
  });
});

describe('isVersionAllowed', () => {
  it.each([
    ['1.9.8', [], true],
    ['1.9.8', ['1.9.8'], true],
    ['1.9.8', ['1.9.x'], true],
    ['1.9.8', ['1.9.*'], true],
    ['1.9.8', ['1.9'], true],
    ['1.9.8', ['v1.x'], true],
    ['1.9.8', ['*'], true],
    ['1.9.8', ['1.5.x', '1.6.x'], false],
    ['1.10.0', ['1.1'], false],
    ['2.14.18', ['2.14.x'], true],
    // Patterns are semver ranges.
    ['1.9.8', ['>=1.8.0 <1.10.0'], true],
    ['1.10.0', ['>=1.8.0 <1.10.0'], false],
    ['1.9.8', ['~1.9.2'], true],
    ['1.9.1', ['~1.9.2'], false],
    // Pre-releases and builds of an allowed version are allowed.
    ['1.10.0-rc1', ['1.10.x'], true],
    ['1.9.8+ent', ['1.9.8'], true],
    // A version of two parts is read as its .0 release.
    ['2.14', ['2.14.x'], true],
    ['1.9.8', ['not a version'], false],
  ])('%s against %j is %s', (version, patterns, allowed) => {
    expect(isVersionAllowed(version, patterns)).toBe(allowed);
  });
});

describe('createToolBinaryResolver', () => {
  // Some tests run `ansible-playbook --version`: Python starting Ansible takes
  // seconds on a busy machine.
  jest.setTimeout(60_000);

  it('finds a command on PATH', async () => {
    const resolved = await createToolBinaryResolver().resolve(
      settings('ansible'),
    );
    expect(resolved.path).toBe('/usr/bin/ansible-playbook');
    expect(resolved.version).toMatch(/^2\./);
  });

  it('says which config key to set when the binary is missing', async () => {
    await expect(
      createToolBinaryResolver().resolve(settings('helm')),
    ).rejects.toThrow(
      "Cannot run helm: 'helm' was not found on PATH. Install it or set multicloud.iac.helm.binary to the path of the binary.",
    );
    await expect(
      createToolBinaryResolver().resolve(
        settings('helm', { binary: '/opt/none/helm' }),
      ),
    ).rejects.toThrow(
      'Cannot run helm: /opt/none/helm is not an executable file. Set multicloud.iac.helm.binary to the path of the helm binary.',
    );
  });

  it('resolves a relative path against the working directory of the backend', async () => {
    const relative = path.relative(process.cwd(), FAKE_TERRAFORM);
    const resolved = await createToolBinaryResolver().resolve(
      settings('terraform', { binary: relative }),
    );
    expect(resolved).toEqual({ path: FAKE_TERRAFORM, version: '1.9.8' });
  });

  it('checks the version once per binary and caches the result', async () => {
    const dir = createTempDir();
    const counter = path.join(dir, 'count');
    const binary = path.join(dir, 'terraform');
    fs.writeFileSync(
      binary,
      `#!/bin/sh\necho x >> ${counter}\necho '{"terraform_version":"1.6.0"}'\n`,
      { mode: 0o755 },
    );
    const resolver = createToolBinaryResolver();
    const s = settings('terraform', { binary, allowedVersions: ['1.6.x'] });
    await resolver.resolve(s);
    await resolver.resolve(s);
    await Promise.all([resolver.resolve(s), resolver.resolve(s)]);
    expect(fs.readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(1);
    await expect(
      resolver.resolve(
        settings('terraform', { binary, allowedVersions: ['1.7'] }),
      ),
    ).rejects.toThrow(
      `terraform 1.6.0 at ${binary} is not allowed by multicloud.iac.terraform.allowedVersions (1.7).`,
    );
  });
});

describe('issue 9 case 1: locating a binary for a dry run', () => {
  it('finds the binary without running it, not even its version command', async () => {
    const dir = createTempDir();
    const marker = path.join(dir, 'ran');
    const binary = path.join(dir, 'terraform');
    fs.writeFileSync(
      binary,
      `#!/bin/sh\ntouch ${marker}\necho '{"terraform_version":"1.6.0"}'\n`,
      { mode: 0o755 },
    );
    const located = await createToolBinaryResolver().locate(
      settings('terraform', { binary, allowedVersions: ['1.9.x'] }),
    );
    expect(located).toBe(binary);
    expect(fs.existsSync(marker)).toBe(false);
    await expect(
      createToolBinaryResolver().locate(settings('helm')),
    ).rejects.toThrow(
      "Cannot run helm: 'helm' was not found on PATH. Install it or set multicloud.iac.helm.binary to the path of the binary.",
    );
  });
});

describe('buildToolEnvironment', () => {
  it('passes only allowlisted variables, then configured and fixed ones', () => {
    const env = buildToolEnvironment(
      settings('terraform', {
        envAllowlist: ['AWS_*', 'EXTRA'],
        environment: { TF_LOG: 'info' },
        secretEnvironment: { ARM_CLIENT_SECRET: 'cs-4f9a' },
      }),
      { TF_IN_AUTOMATION: '1' },
      {
        PATH: '/usr/bin',
        HOME: '/home/backstage',
        AWS_PROFILE: 'prod',
        EXTRA: 'yes',
        GITHUB_TOKEN: 'ghp_secret',
        BACKEND_SECRET: 'x',
        TF_VAR_password: 'leak',
      },
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/backstage',
      AWS_PROFILE: 'prod',
      EXTRA: 'yes',
      TF_LOG: 'info',
      ARM_CLIENT_SECRET: 'cs-4f9a',
      TF_IN_AUTOMATION: '1',
    });
  });
});
