import { expect, Page, test } from '@playwright/test';
import { signInAsGuest, waitForEntity } from './portal';

const SCREENSHOTS = 'e2e-test-results/screenshots';

/**
 * Picks an entity in an EntityPicker / OwnerPicker: type, then choose the
 * suggestion, so the form holds a full entity reference.
 */
async function pickEntity(page: Page, label: RegExp, search: string) {
  // The Autocomplete's input is a textbox named after the field's title.
  const field = page.getByRole('textbox', { name: label });
  await field.click();
  await field.fill(search);
  await page
    .getByRole('option', { name: new RegExp(search, 'i') })
    .first()
    .click();
}

// app-config.e2e.yaml points multicloud.iac.terraform.binary at the committed
// Terraform stand-in, so the task runs the real actions end to end and its log
// shows the lines they derive from Terraform's machine-readable output.
test('a developer provisions a virtual machine on AWS from a template and watches the Terraform log', async ({
  page,
  request,
}) => {
  // The templates are read from templates/all.yaml when the catalog starts.
  await waitForEntity(request, 'template/default/aws-vm-terraform');
  await signInAsGuest(page);

  await page.goto('/create');
  const title = 'Virtual machine on AWS with Terraform';
  await expect(page.getByText(title).first()).toBeVisible();
  const card = page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText(title, { exact: true }) });
  await card
    .getByRole('button', { name: 'Choose' })
    .or(card.getByRole('link', { name: 'Choose' }))
    .first()
    .click();

  await page.getByRole('textbox', { name: /^Name/ }).fill('e2e-checkout-vm');
  await pickEntity(page, /^Owner/, 'platform');
  await pickEntity(page, /^System/, 'checkout');
  await pickEntity(page, /^Component/, 'checkout-api');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByText('Size and placement').first()).toBeVisible();
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText('e2e-checkout-vm').first()).toBeVisible();
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(page).toHaveURL(/\/create\/tasks\//);
  const showLogs = page.getByRole('button', { name: 'Show Logs' });
  if (await showLogs.isVisible().catch(() => false)) {
    await showLogs.click();
  }

  // The log streams while the task runs: the actions turn Terraform's
  // machine-readable output into readable lines.
  await expect(page.getByText('Using terraform 1.9.8').first()).toBeVisible({
    timeout: 60_000,
  });

  // The finished task shows the template's output.
  await expect(
    page.getByRole('link', { name: /Open in the AWS console/i }).first(),
  ).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText('What was created')).toBeVisible();

  // The log viewer only renders the lines in view (it follows the end), so
  // search for each line of plan and apply to bring it into view.
  const search = page.getByPlaceholder('Search');
  for (const line of [
    'Terraform has been successfully initialized!',
    'aws_instance.vm: Plan to create',
    'Plan: 2 to add, 0 to change, 0 to destroy.',
    'Applying the plan saved by terraform:plan in this task',
    'aws_instance.vm: Creation complete after 1s',
    'Apply complete! Resources: 2 added, 0 changed, 0 destroyed.',
  ]) {
    await search.fill(line);
    await expect(page.getByText(line).first()).toBeVisible();
  }
  await search.fill('');
  await page.screenshot({
    path: `${SCREENSHOTS}/scaffolder-task.png`,
    fullPage: true,
  });
});
