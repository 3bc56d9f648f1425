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

test('a developer may set the budget of their own team’s component, and is not offered it on another team’s', async ({
  page,
  request,
}) => {
  await waitForPortalReady(request);
  // The demo's guest is a member of checkout-team, not an admin.
  await signInAsGuest(page);

  const budgetCard = page.locator('[data-budget-permission]');
  await page.goto('/catalog/default/component/checkout-api/cost');
  await expect(budgetCard).toHaveAttribute('data-budget-permission', 'allowed');
  await expect(
    budgetCard.getByRole('button', { name: /^(Set|Edit|Override) budget$/ }),
  ).toBeVisible();

  // payments-api belongs to payments-team.
  await page.goto('/catalog/default/component/payments-api/cost');
  await expect(budgetCard).toHaveAttribute('data-budget-permission', 'denied');
  await expect(budgetCard.getByRole('button')).toHaveCount(0);
});
