import { expect, test } from '@playwright/test';
import { signInAsGuest, waitForPortalReady } from './portal';

const SCREENSHOTS = 'e2e-test-results/screenshots';

test('a developer opens the Cost tab of a component and sees what it cost, why and where it is heading', async ({
  page,
  request,
}) => {
  // The demo cost export imported and attributed to the ingested inventory.
  await waitForPortalReady(request);
  await signInAsGuest(page);

  await page.goto('/catalog/default/component/checkout-api/cost');
  await expect(page.getByText(/^\$[0-9,]+\.[0-9]{2}$/).first()).toBeVisible();

  await expect(
    page.getByText('Forecast', { exact: true }).first(),
  ).toBeVisible();
  await expect(
    page.getByText('Unallocated', { exact: true }).first(),
  ).toBeVisible();
  // The breakdown names what drove the cost.
  await expect(
    page.getByText('Amazon Elastic Compute Cloud').first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/cost-tab.png`,
    fullPage: true,
  });

  // Grouped by resource, lines link to the Resource entities.
  await page.getByLabel('Group by').selectOption('resource');
  await expect(
    page.locator('a[href*="/catalog/default/resource/"]').first(),
  ).toBeVisible();
});
