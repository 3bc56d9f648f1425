import { APIRequestContext, expect, Page } from '@playwright/test';

/** The e2e backend's static token (app-config.e2e.yaml). */
const TOKEN = 'e2e-only-7c1f0b6a9d2e4c58b3a1f6e0d9c8b7a6';
const headers = { Authorization: `Bearer ${TOKEN}` };

/**
 * Waits until the portal reports that it has caught up: every cloud source's
 * last run is in the catalog, the demo cost export is imported and
 * attribution ran after both (`GET /api/multicloud/health`). On a fresh
 * machine this takes a few minutes; the failure message lists what is still
 * pending.
 */
export async function waitForPortalReady(request: APIRequestContext) {
  await expect
    .poll(
      async () => {
        const res = await request.get('/api/multicloud/health', { headers });
        return res.ok() ? (await res.json()).pending : [`HTTP ${res.status()}`];
      },
      { timeout: 240_000, intervals: [1_000] },
    )
    .toEqual([]);
}

/** Waits until the catalog serves an entity (`kind/namespace/name`) that satisfies `holds`. */
export async function waitForEntity(
  request: APIRequestContext,
  ref: string,
  holds: (entity: any) => boolean = () => true,
) {
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/catalog/entities/by-name/${ref}`, {
          headers,
        });
        return res.ok() && holds(await res.json());
      },
      { timeout: 240_000, intervals: [1_000] },
    )
    .toBe(true);
}

/** Waits until the catalog serves the component's side of its resources' relations. */
export async function waitForComponentResources(
  request: APIRequestContext,
  component: string,
) {
  // The catalog adds the component's side of a resource's relations when it
  // next processes the component, some time after the resource itself.
  await waitForEntity(request, `component/default/${component}`, entity =>
    entity.relations.some(
      (r: { type: string; targetRef: string }) =>
        r.type === 'dependsOn' && r.targetRef.startsWith('resource:'),
    ),
  );
}

/** Signs in as the demo's guest and waits for the app's navigation. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/**
 * Waits until `GET /api/multicloud/alerts` for the entity (`kind:namespace/name`)
 * lists an alert of `rule`, and returns it: the evaluation runs after the
 * demo cost import and after each attribution refresh that follows ingestion.
 */
export async function waitForAlert(
  request: APIRequestContext,
  entityRef: string,
  rule: string,
): Promise<{ id: string; title: string; status: string }> {
  let found: { id: string; title: string; status: string } | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get('/api/multicloud/alerts', {
          headers,
          params: { entityRef },
        });
        if (!res.ok()) {
          return `HTTP ${res.status()}`;
        }
        const { alerts } = await res.json();
        found = alerts.find((alert: { rule: string }) => alert.rule === rule);
        return found ? 'found' : `no ${rule} alert yet`;
      },
      { timeout: 240_000, intervals: [1_000] },
    )
    .toBe('found');
  return found!;
}

/**
 * Picks the OIDC card on the sign-in page and logs in as `login` at the
 * OpenID Provider (playwright.config.ts) in the popup it opens, through the
 * provider's login and consent forms. Resolves once the popup has handed the
 * result to the app and closed.
 */
export async function signInAtProvider(
  page: Page,
  login: string,
  options: { screenshot?: string } = {},
) {
  const issuer = process.env.OIDC_E2E_ISSUER;
  expect(issuer, 'set by the OpenID Provider web server').toBeTruthy();
  const popupOpens = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign In' }).click();
  const popup = await popupOpens;
  await expect(popup).toHaveURL(url => url.href.startsWith(`${issuer}/`));
  await popup.getByPlaceholder('Enter any login').fill(login);
  await popup.getByPlaceholder('and password').fill('any password');
  if (options.screenshot) {
    await popup.screenshot({ path: options.screenshot });
  }
  const closes = popup.waitForEvent('close');
  await popup.getByRole('button', { name: 'Sign-in' }).click();
  await popup.getByRole('button', { name: 'Continue' }).click();
  await closes;
}
