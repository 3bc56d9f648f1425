import { expect, test } from '@playwright/test';
import { signInAsGuest, waitForAlert, waitForPortalReady } from './portal';

const SCREENSHOTS = 'e2e-test-results/screenshots';

test('a developer opens the Alerts tab of a component and acknowledges an alert', async ({
  page,
  request,
}) => {
  await waitForPortalReady(request);
  // The demo's cart-service deployment in staging has 0 of 2 replicas.
  const alert = await waitForAlert(
    request,
    'component:default/cart-service',
    'zero-replicas',
  );
  expect(alert.status).toBe('open');
  await signInAsGuest(page);

  await page.goto('/catalog/default/component/cart-service/alerts');
  const row = page.getByRole('row', { name: new RegExp(escape(alert.title)) });
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row.locator('[data-alert-status]')).toHaveText('Open');
  await page.screenshot({
    path: `${SCREENSHOTS}/alerts-tab.png`,
    fullPage: true,
  });

  await row.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(row.locator('[data-alert-status]')).toHaveText('Acknowledged');
  await expect(row.getByRole('button', { name: 'Reopen' })).toBeVisible();

  // Put it back, so that a second run of the suite on the same data starts
  // from the same state.
  await row.getByRole('button', { name: 'Reopen' }).click();
  await expect(row.locator('[data-alert-status]')).toHaveText('Open');
});

test('the Cloud page lists open alerts and savings by team', async ({
  page,
  request,
}) => {
  await waitForPortalReady(request);
  await waitForAlert(request, 'group:default/data-team', 'unattached-volume');
  await signInAsGuest(page);
  await page.goto('/multicloud');
  const section = page.getByRole('heading', {
    name: 'Alerts and savings by team',
    exact: true,
  });
  await section.scrollIntoViewIfNeeded();
  await expect(section).toBeVisible();
  await expect(page.getByText(/could save/i).first()).toBeVisible();
  // The page scrolls inside its own container, which a full-page shot of
  // the window does not follow: this is the window, scrolled to the section.
  await page.screenshot({ path: `${SCREENSHOTS}/cloud-alerts.png` });
});

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
