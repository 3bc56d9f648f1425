import { expect, test } from '@playwright/test';

const SCREENSHOTS = 'e2e-test-results/screenshots';

test('a developer opens the Cost tab of a component and sees what it cost, why and where it is heading', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The demo FOCUS export is imported a few seconds after start and
  // re-attributed every minute as the catalog ingests the demo inventory.
  await page.goto('/catalog/default/component/checkout-api/cost');
  const total = page.getByText(/^\$[0-9,]+\.[0-9]{2}$/).first();
  await expect(async () => {
    await page.reload();
    await expect(total).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 180_000 });

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
