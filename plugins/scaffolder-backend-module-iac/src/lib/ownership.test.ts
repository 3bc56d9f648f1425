import { iacConfig } from '../__testUtils__/testContext';
import { readIacSettings } from './config';
import { parseOwnerRef } from './inputSchemas';
import {
  helmReleaseName,
  ownerLabelValue,
  terraformStateKey,
} from './ownership';

describe('issue 9 case 6: names derived from the owner', () => {
  const profile = { settings: {}, keyPrefix: 'multicloud', keySetting: 'key' };

  it('puts the state key under the owner', () => {
    expect(
      terraformStateKey(
        profile,
        parseOwnerRef('group:default/checkout-team'),
        'aws-vm.web-1',
      ),
    ).toBe('multicloud/group/default/checkout-team/aws-vm.web-1.tfstate');
    expect(
      terraformStateKey(
        { ...profile, keySetting: 'prefix' },
        parseOwnerRef('User:Partners/Jane'),
        'web-1',
      ),
    ).toBe('multicloud/user/partners/jane/web-1');
  });

  it('gives every owner its own label value, even when the readable part is cut or alike', () => {
    const a = ownerLabelValue(parseOwnerRef('group:a.b/c'));
    const b = ownerLabelValue(parseOwnerRef('group:a/b.c'));
    expect(a).toMatch(/^group\.a\.b\.c\.[0-9a-f]{10}$/);
    expect(b).toMatch(/^group\.a\.b\.c\.[0-9a-f]{10}$/);
    expect(a).not.toBe(b);
    const long = ownerLabelValue(
      parseOwnerRef(`group:${'n'.repeat(63)}/${'x'.repeat(63)}`),
    );
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/);
  });

  it('names a release after the owner, within 53 characters', () => {
    expect(
      helmReleaseName(parseOwnerRef('group:default/Team_A.eu'), 'web'),
    ).toBe('team-a-eu-web');
    expect(() =>
      helmReleaseName(parseOwnerRef('checkout-team'), 'w'.repeat(40)),
    ).toThrow('Helm allows 53: choose a name of at most 39 characters');
  });
});

describe('issue 9 case 6: config of backend profiles and namespaces', () => {
  it('reads keyPrefix and keySetting out of a profile', () => {
    const settings = readIacSettings(
      iacConfig({
        terraform: {
          backends: {
            gcp: { bucket: 'b', keyPrefix: 'org/tf', keySetting: 'prefix' },
          },
        },
        helm: {
          allowedNamespaces: ['apps', 'team-*'],
          allowWorkspaceCharts: true,
        },
      }),
    );
    expect(settings.terraform.backends.gcp).toEqual({
      settings: { bucket: 'b' },
      keyPrefix: 'org/tf',
      keySetting: 'prefix',
    });
    expect(settings.helm.allowedNamespaces).toEqual(['apps', 'team-*']);
    expect(settings.helm.allowWorkspaceCharts).toBe(true);
  });

  it.each([
    [
      {
        terraform: {
          backends: { aws: { bucket: 'b', key: 'shared.tfstate' } },
        },
      },
      'multicloud.iac.terraform.backends.aws.key must not be set: the actions derive the state key of each run from its owner and name',
    ],
    [
      { terraform: { backends: { aws: { bucket: 'b', keyPrefix: '../x' } } } },
      'multicloud.iac.terraform.backends.aws.keyPrefix must be path segments',
    ],
    [
      { terraform: { backends: { aws: { bucket: 'b', keyPrefix: 'a//b' } } } },
      'multicloud.iac.terraform.backends.aws.keyPrefix must be path segments',
    ],
    [
      { helm: { allowedNamespaces: ['Team_*'] } },
      'multicloud.iac.helm.allowedNamespaces: Team_* is not a namespace name or a pattern such as team-*',
    ],
  ])('refuses %j', (iac, message) => {
    expect(() => readIacSettings(iacConfig(iac as any))).toThrow(message);
  });
});
