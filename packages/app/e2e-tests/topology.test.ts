import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import {
  signInAsGuest,
  waitForComponentResources,
  waitForPortalReady,
} from './portal';

const SCREENSHOTS = 'e2e-test-results/screenshots';

test('a developer opens the Topology tab of a component and sees what it runs on, with cost', async ({
  page,
  request,
}) => {
  // The inventory ingested, its cost attributed, and the component's side of
  // its resources' relations served by the catalog.
  await waitForPortalReady(request);
  await waitForComponentResources(request, 'checkout-api');
  await signInAsGuest(page);

  await page.goto('/catalog/default/component/checkout-api/topology');
  const diagram = page.locator('svg[aria-roledescription="flowchart-v2"]');
  // Mermaid draws the component itself and the instances it runs on.
  await expect(
    diagram.getByRole('link', {
      name: /^checkout-api \(service\), this entity/,
    }),
  ).toBeVisible({ timeout: 60_000 });
  const instance = diagram
    .getByRole('link', { name: /^checkout-api-prod-1 \(ec2-instance\)/ })
    .first();
  await expect(instance).toBeVisible();
  // Each resource carries its cost of the last 30 days.
  await expect(instance).toContainText(/[0-9,]+\.[0-9]{2}\s*USD/);
  // Grouped by provider, account, region and network.
  await expect(diagram.locator('g.cluster').first()).toBeVisible();
  await expect(diagram).toContainText(/Account\s*111122223333/);
  await page.screenshot({
    path: `${SCREENSHOTS}/topology-tab.png`,
    fullPage: true,
  });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export SVG' }).click();
  const svg = await readFile(await (await download).path(), 'utf8');
  expect(svg).toMatch(/^<svg|^<\?xml/);
  expect(svg).toContain('checkout-api-prod-1');

  // Click-through to the resource's own page.
  await instance.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/resource\/checkout-api-prod-1-/,
  );
});

test('a System’s Topology tab is the union of its components’ infrastructure', async ({
  page,
  request,
}) => {
  await waitForPortalReady(request);
  await waitForComponentResources(request, 'checkout-web');
  await signInAsGuest(page);
  await page.goto('/catalog/default/system/checkout/topology');
  const diagram = page.locator('svg[aria-roledescription="flowchart-v2"]');
  await expect(
    diagram.getByRole('link', { name: /^checkout-api \(service\)/ }),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    diagram.getByRole('link', { name: /^checkout-web \(website\)/ }),
  ).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOTS}/topology-system.png`,
    fullPage: true,
  });
});
