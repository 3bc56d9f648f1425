/*
 * The OpenID Provider of the end-to-end run: `oidc-provider`, a certified
 * OpenID Connect implementation, on a free port of 127.0.0.1.
 *
 * playwright.config.ts starts this file as a web server before the backend,
 * because the backend's oidc auth provider reads the provider's metadata when
 * it starts. It prints its issuer; Playwright stores the issuer in
 * OIDC_E2E_ISSUER, which app-config.oidc-e2e.yaml points the backend at and
 * the test reads.
 *
 * People log in with oidc-provider's development login and consent forms:
 * any password, the login is the account id.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// A root devDependency: the OpenID Provider runs beside the portal, never in the app.
// eslint-disable-next-line @backstage/no-undeclared-imports
import Provider from 'oidc-provider';

/** The backend's client, as app-config.oidc-e2e.yaml configures it. */
export const OIDC_E2E_CLIENT = {
  clientId: 'backstage-e2e',
  clientSecret: 'e2e-only-4b1d9c7e2a6f4e0b8d3c5a7f9e1b2d4c',
  redirectUri: 'http://localhost:7007/api/auth/oidc/handler/frame',
};

/**
 * The provider's accounts, by login. Two have the email of a demo catalog
 * User (examples/org.yaml: daniel.kowalski, member of checkout-team;
 * alice.nguyen, member of platform-team, the demo's admins); the third has
 * none.
 */
export const OIDC_E2E_ACCOUNTS: Record<
  string,
  { name: string; email: string }
> = {
  'daniel.kowalski': {
    name: 'Daniel Kowalski',
    email: 'daniel.kowalski@example.com',
  },
  'alice.nguyen': { name: 'Alice Nguyen', email: 'alice.nguyen@example.com' },
  'jo.outsider': {
    name: 'Jo Outsider',
    email: 'jo.outsider@example.com',
  },
};

/**
 * Starts the OpenID Provider on a free port of 127.0.0.1; resolves with its
 * issuer URL once it listens.
 */
export async function startOpenIdProvider(): Promise<{
  issuer: string;
  close(): Promise<void>;
}> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_E2E_CLIENT.clientId,
        client_secret: OIDC_E2E_CLIENT.clientSecret,
        redirect_uris: [OIDC_E2E_CLIENT.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: {
      keys: [
        { ...privateKey.export({ format: 'jwk' }), kid: 'e2e', alg: 'RS256' },
      ],
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    findAccount: async (_ctx: unknown, accountId: string) => {
      const account = OIDC_E2E_ACCOUNTS[accountId];
      return (
        account && {
          accountId,
          claims: async () => ({
            sub: accountId,
            name: account.name,
            email: account.email,
            email_verified: true,
          }),
        }
      );
    },
    // Refresh tokens without the offline_access scope, as Keycloak does:
    // the backend refreshes the session with them when the app reloads.
    issueRefreshToken: async (
      _ctx: unknown,
      client: { grantTypeAllowed(type: string): boolean },
    ) => client.grantTypeAllowed('refresh_token'),
  });
  server.on('request', provider.callback());

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close(error => (error ? reject(error) : resolve())),
      ),
  };
}

if (require.main === module) {
  startOpenIdProvider().then(
    ({ issuer }) => {
      // playwright.config.ts waits for this line.
      process.stdout.write(`OpenID Provider at ${issuer}\n`);
    },
    error => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
