import { expect, test } from '@playwright/test';
import {
  signInAsGuest,
  waitForComponentResources,
  waitForPortalReady,
} from './portal';

const SCREENSHOTS = 'e2e-test-results/screenshots';

test('a developer signs in as guest, finds a component, what it runs on, and the Cloud page', async ({
  page,
  request,
}) => {
  // The demo inventory, the demo cost export and their attribution.
  await waitForPortalReady(request);
  await waitForComponentResources(request, 'checkout-api');
  await signInAsGuest(page);
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  // The guest belongs to platform-team, so the catalog would open on "Owned";
  // ask for all components in the URL rather than racing the picker's start-up.
  await page.goto('/?filters%5Bkind%5D=component&filters%5Buser%5D=all');
  const checkoutApi = page.getByRole('link', {
    name: 'checkout-api',
    exact: true,
  });
  await expect(checkoutApi).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/catalog.png`, fullPage: true });

  await checkoutApi.click();
  await expect(
    page.getByRole('heading', { name: 'checkout-api' }).first(),
  ).toBeVisible();
  await expect(page.getByText('checkout-team').first()).toBeVisible();

  // The demo inventory's instances tagged component=checkout-api, under
  // "Depends on resources".
  const instance = page
    .getByRole('link', { name: 'checkout-api-prod-1', exact: true })
    .first();
  await expect(instance).toBeVisible();
  await expect(page.getByText('Relations', { exact: true })).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/component.png`,
    fullPage: true,
  });

  await instance.click();
  await expect(
    page.getByRole('heading', { name: 'checkout-api-prod-1' }).first(),
  ).toBeVisible();
  await expect(page.getByText('ec2-instance').first()).toBeVisible();
  await expect(page.getByText('checkout-team').first()).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/resource.png`,
    fullPage: true,
  });

  await nav.getByRole('link', { name: 'Cloud', exact: true }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Cloud', exact: true }),
  ).toBeVisible();
  // One header: the app's page header, not a second one of the plugin's.
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(page.getByText('SQLite')).toBeVisible();
  await expect(page.getByText('Daily cost')).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Groups' })).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/cloud-overview.png`,
    fullPage: true,
  });
});
