import { iacConfig } from '../__testUtils__/testContext';
import { readIacSettings } from './config';

describe('readIacSettings', () => {
  it('applies the documented defaults', () => {
    const settings = readIacSettings(iacConfig({}));
    expect(settings.terraform).toEqual(
      expect.objectContaining({
        binary: 'terraform',
        allowedVersions: [],
        timeoutMs: 60 * 60 * 1000,
        killGracePeriodMs: 10_000,
        environment: {},
        secretEnvironment: {},
        backendConfig: {},
        backends: {},
      }),
    );
    expect(settings.terraform.envAllowlist).toEqual(
      expect.arrayContaining(['PATH', 'HOME', 'TF_PLUGIN_CACHE_DIR']),
    );
    expect(settings.ansible).toEqual(
      expect.objectContaining({
        binary: 'ansible-playbook',
        allowLocalConnection: false,
      }),
    );
    expect(settings.helm).toEqual(
      expect.objectContaining({
        binary: 'helm',
        timeoutMs: 15 * 60 * 1000,
        allowedRepositories: [],
        allowedNamespaces: [],
        allowWorkspaceCharts: false,
      }),
    );
    expect(settings.helm.envAllowlist).toContain('KUBECONFIG');
  });

  it('reads every key', () => {
    const settings = readIacSettings(
      iacConfig({
        killGracePeriod: { seconds: 5 },
        terraform: {
          binary: '/usr/local/bin/tofu',
          allowedVersions: ['1.8.x'],
          timeout: '30m',
          envAllowlist: ['AWS_*'],
          backendConfig: { encrypt: true },
          backends: { aws: { bucket: 'b', region: 'eu-west-1' } },
        },
        helm: {
          timeout: { minutes: 5 },
          killGracePeriod: 'PT2S',
          allowedRepositories: ['https://charts.example.com/'],
        },
      }),
    );
    expect(settings.terraform).toEqual(
      expect.objectContaining({
        binary: '/usr/local/bin/tofu',
        allowedVersions: ['1.8.x'],
        timeoutMs: 30 * 60 * 1000,
        killGracePeriodMs: 5000,
        backendConfig: { encrypt: true },
        backends: {
          aws: {
            settings: { bucket: 'b', region: 'eu-west-1' },
            keyPrefix: 'multicloud',
            keySetting: 'key',
          },
        },
      }),
    );
    expect(settings.terraform.envAllowlist).toContain('AWS_*');
    expect(settings.helm.timeoutMs).toBe(5 * 60 * 1000);
    expect(settings.helm.killGracePeriodMs).toBe(2000);
    expect(settings.helm.allowedRepositories).toEqual([
      'https://charts.example.com',
    ]);
  });

  it('adds up durations of several units, and refuses one that is not positive', () => {
    const settings = readIacSettings(
      iacConfig({
        ansible: { timeout: { hours: 1, minutes: 30, seconds: 5 } },
      }),
    );
    expect(settings.ansible.timeoutMs).toBe(((60 + 30) * 60 + 5) * 1000);
    expect(() =>
      readIacSettings(iacConfig({ helm: { timeout: { minutes: 0 } } })),
    ).toThrow('multicloud.iac: timeout must be a positive duration');
  });

  it('rejects nested backend settings', () => {
    expect(() =>
      readIacSettings(
        iacConfig({ terraform: { backendConfig: { nested: { a: 1 } } } }),
      ),
    ).toThrow(
      'multicloud.iac.terraform.backendConfig.nested must be a string, number or boolean',
    );
  });
});
