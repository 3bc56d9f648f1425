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

test('a developer narrows the Cost tab to a region, and the filtered view is a link to share', async ({
  page,
  request,
}) => {
  await waitForPortalReady(request);
  await signInAsGuest(page);

  await page.goto('/catalog/default/component/checkout-api/cost');
  await expect(
    page.getByText('Amazon Elastic Compute Cloud').first(),
  ).toBeVisible();

  const filters = page.getByRole('group', { name: 'Cost filters' });
  await filters.getByLabel('Filter by').selectOption('region');
  await filters.getByLabel('Value').fill('eu-west-1');
  await filters.getByRole('button', { name: 'Add filter' }).click();

  await expect(page).toHaveURL(/[?&]region=eu-west-1(&|$)/);
  await expect(filters.getByText('Region: eu-west-1')).toBeVisible();
  // The budget is for all of the component's cost, so a filtered view leaves it out.
  await expect(
    page.getByText(/The budget is for all of this entity's cost/),
  ).toBeVisible();
  await expect(
    page.getByText('Amazon Elastic Compute Cloud').first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/cost-tab-filtered.png`,
    fullPage: true,
  });

  // The address opens the same filtered view.
  await page.goto(page.url());
  await expect(filters.getByText('Region: eu-west-1')).toBeVisible();
});
