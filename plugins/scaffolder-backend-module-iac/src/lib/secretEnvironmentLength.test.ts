import { iacConfig } from '../__testUtils__/testContext';
import { readIacSettings } from './config';

describe('issue 9 case 3: redaction on the stream', () => {
  it('refuses a secretEnvironment value too short to be masked, naming its config key', () => {
    expect(() =>
      readIacSettings(
        iacConfig({
          terraform: {
            secretEnvironment: { ARM_CLIENT_SECRET: 'long-enough' },
          },
          helm: { secretEnvironment: { HELM_REPO_PASSWORD: 'abc' } },
        }),
      ),
    ).toThrow(
      'multicloud.iac.helm.secretEnvironment.HELM_REPO_PASSWORD must be at least 4 characters long: a shorter value cannot be masked in the task log without garbling it',
    );
    expect(
      readIacSettings(
        iacConfig({ ansible: { secretEnvironment: { VAULT_PASS: 'päss' } } }),
      ).ansible.secretEnvironment,
    ).toEqual({ VAULT_PASS: 'päss' });
  });
});
