import { expect, Page, test } from '@playwright/test';
import { OIDC_E2E_ACCOUNTS } from './oidcProvider';
import { signInAtProvider, waitForEntity } from './portal';

const SCREENSHOTS = 'e2e-test-results/screenshots';

/** The OpenID Provider's issuer, from playwright.config.ts. */
const issuer = process.env.OIDC_E2E_ISSUER!;

test.beforeEach(async ({ request }) => {
  expect(issuer, 'set by the OpenID Provider web server').toBeTruthy();
  // The sign-in resolver looks the person up in the catalog, groups included.
  await waitForEntity(request, 'user/default/daniel.kowalski', entity =>
    entity.relations.some(
      (r: { type: string; targetRef: string }) =>
        r.type === 'memberOf' && r.targetRef === 'group:default/checkout-team',
    ),
  );
});

test('a person signs in with OIDC and is the catalog User with that email, with its groups', async ({
  page,
  request,
}) => {
  await page.goto('/');
  // OIDC, and guest for development (app-config.yaml).
  await expect(page.getByText('Single sign-on', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enter' })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/oidc-sign-in.png` });

  await signInAtProvider(page, 'daniel.kowalski', {
    screenshot: `${SCREENSHOTS}/oidc-provider-login.png`,
  });
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The settings page shows the profile the provider gave and the Backstage
  // identity the catalog resolved.
  await page.goto('/settings');
  const { name, email } = OIDC_E2E_ACCOUNTS['daniel.kowalski'];
  await expect(page.getByText(name).first()).toBeVisible();
  await expect(page.getByText(email).first()).toBeVisible();
  const userEntity = page
    .getByText('User Entity:')
    .locator('a[href$="/default/user/daniel.kowalski"]');
  await expect(userEntity).toBeVisible();
  await expect(
    page
      .getByText('Ownership Entities:')
      .locator('a[href$="/default/group/checkout-team"]'),
  ).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/oidc-signed-in.png`,
    fullPage: true,
  });

  // The session survives a reload: the backend refreshes it at the provider
  // with the refresh token it keeps in a cookie, and issues a Backstage token.
  const refresh = await page.request.get(
    '/api/auth/oidc/refresh?optional&env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(refresh.status()).toBe(200);
  const { backstageIdentity, profile } = await refresh.json();
  expect(profile).toMatchObject({ email, displayName: name });
  expect(backstageIdentity.identity).toEqual({
    type: 'user',
    userEntityRef: 'user:default/daniel.kowalski',
    ownershipEntityRefs: expect.arrayContaining([
      'user:default/daniel.kowalski',
      'group:default/checkout-team',
    ]),
  });
  const claims = JSON.parse(
    Buffer.from(backstageIdentity.token.split('.')[1], 'base64url').toString(),
  );
  expect(claims.sub).toBe('user:default/daniel.kowalski');
  // The token's ownership claims, as the backend resolves them for every
  // plugin that asks (the token itself leaves `ent` out by default).
  const userInfo = await request.get('/api/auth/v1/userinfo', {
    headers: { Authorization: `Bearer ${backstageIdentity.token}` },
  });
  expect(userInfo.status()).toBe(200);
  expect(await userInfo.json()).toMatchObject({
    claims: {
      sub: 'user:default/daniel.kowalski',
      ent: expect.arrayContaining([
        'user:default/daniel.kowalski',
        'group:default/checkout-team',
      ]),
    },
  });

  await page.reload();
  await expect(userEntity).toBeVisible();
});

test('a person the provider knows but the catalog does not is refused', async ({
  page,
}) => {
  await page.goto('/');
  await signInAtProvider(page, 'jo.outsider');
  await expect(page.getByText(/Login failed/).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'sidebar nav' }),
  ).toHaveCount(0);
});
