import { expect, Page, test } from '@playwright/test';
import { signInAtProvider, waitForEntity, waitForPortalReady } from './portal';

const SCREENSHOTS = 'e2e-test-results/screenshots';

/** Signs in with OIDC as `login` and waits for the app's navigation. */
async function signInWithOidc(page: Page, login: string) {
  await page.goto('/');
  await signInAtProvider(page, login);
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

test('an admin sees the inventory and the sources on the Cloud page, and runs the demo inventory now', async ({
  page,
  request,
}) => {
  // The demo inventory has run and its resources are in the catalog.
  await waitForPortalReady(request);
  // Running a source now is for admins (permission.multicloudPolicy): Alice
  // Nguyen is in platform-team, the demo's admin group; the guest is not.
  await waitForEntity(request, 'user/default/alice.nguyen', entity =>
    entity.relations.some(
      (r: { type: string; targetRef: string }) =>
        r.type === 'memberOf' && r.targetRef === 'group:default/platform-team',
    ),
  );
  await signInWithOidc(page, 'alice.nguyen');
  await page.goto('/multicloud');

  // Inventory, at the top: the demo inventory's resources, counted.
  await expect(
    page.getByRole('heading', { name: 'Inventory', exact: true }),
  ).toBeVisible();
  await expect(page.locator('[data-headline="Cloud resources"]')).toHaveText(
    /^[1-9]\d*$/,
  );
  await expect(page.getByRole('list', { name: 'By provider' })).toContainText(
    'aws',
  );
  await page.screenshot({ path: `${SCREENSHOTS}/cloud-inventory.png` });

  // Sources: the demo inventory and the demo cost folder, with their runs.
  const sourcesHeading = page.getByRole('heading', {
    name: 'Sources',
    exact: true,
  });
  await sourcesHeading.first().scrollIntoViewIfNeeded();
  const inventoryRow = page
    .getByRole('row')
    .filter({ hasText: 'demo-inventory' });
  await expect(inventoryRow).toContainText('inventory');
  await expect(inventoryRow).toContainText('applied');
  const costFolderRow = page
    .getByRole('row')
    .filter({ hasText: 'FOCUS folder' });
  await expect(costFolderRow).toContainText('demo');
  await expect(costFolderRow).toContainText('imported');

  // When the last run started, which the row shows as when it ended.
  const lastRun = inventoryRow.locator('[data-last-run-started-at]');
  const before = await lastRun.getAttribute('data-last-run-started-at');
  expect(before).toBeTruthy();

  // Refresh now: the backend takes the request (202), the button says so,
  // and the row shows the run once it has ended.
  const refreshAnswer = page.waitForResponse(
    response =>
      response.request().method() === 'POST' &&
      response
        .url()
        .endsWith('/api/multicloud/sources/cloud/demo-inventory/refresh'),
  );
  await inventoryRow
    .getByRole('button', { name: 'Refresh now (demo-inventory)' })
    .click();
  const answer = await refreshAnswer;
  expect(answer.status()).toBe(202);
  const { requestedAt } = await answer.json();
  await expect(
    inventoryRow.getByRole('button', { name: 'Refresh requested' }),
  ).toBeDisabled();

  await expect(lastRun).not.toHaveAttribute(
    'data-last-run-started-at',
    before!,
    {
      timeout: 120_000,
    },
  );
  await expect(
    inventoryRow.getByRole('button', { name: 'Refresh now (demo-inventory)' }),
  ).toBeEnabled({ timeout: 120_000 });
  const after = await lastRun.getAttribute('data-last-run-started-at');
  expect(Date.parse(after!)).toBeGreaterThanOrEqual(Date.parse(requestedAt));
  await expect(inventoryRow).toContainText('applied');

  // The page scrolls inside its own container, which a full-page shot of the
  // window does not follow: this is the window, scrolled to the section.
  await sourcesHeading.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/cloud-sources.png` });
});
