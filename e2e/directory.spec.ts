// The directory's journeys in the demo: a GP in Hackney finds who can help
// with washing and dressing, and sees which services are out of area. Every
// page visited is checked with axe.
import { expectNoA11yViolations } from './axe';
import { expect, signInAs, test } from './demo';

test('a GP in Hackney finds reablement for help with washing and dressing', async ({ page }) => {
  await signInAs(page, 'gp');

  await test.step('the home page offers the directory', async () => {
    await page.getByRole('link', { name: 'Find a service' }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Find a service');
  });
  await expectNoA11yViolations(page);

  await test.step('search by need in their own words and a Hackney postcode', async () => {
    await page.getByLabel('What does the person need help with?').fill('help with washing and dressing');
    await page.getByLabel("The person's postcode").fill('e5 0pq');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByText('Searching near E5 0PQ')).toBeVisible();
  });

  const reablement = page.locator('.app-hit').filter({ has: page.getByRole('heading', { name: 'Hackney Reablement' }) });
  await test.step('Hackney Reablement is listed with a named duty contact and a freshness badge', async () => {
    await expect(reablement).toBeVisible();
    await expect(reablement).toContainText('Funmilayo Adebayo, Reablement duty coordinator');
    await expect(reablement.locator('.nhsuk-tag').first()).toHaveText('Checked recently');
    await expect(reablement).toContainText('Not enough data');
  });

  await test.step('the Croydon service is listed as out of area', async () => {
    const notAvailable = page.locator('section, ul').filter({ hasText: 'Croydon Reablement' }).last();
    await expect(page.getByRole('heading', { name: 'Not available for this person' })).toBeVisible();
    await expect(notAvailable).toContainText('Covers Croydon only');
  });
  await expectNoA11yViolations(page);

  await test.step('a postcode that is not real gets an error at its field', async () => {
    await page.getByLabel("The person's postcode").fill('not a postcode');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.locator('.nhsuk-error-summary')).toContainText('Enter a real postcode');
    await expect(page.getByLabel("The person's postcode")).toHaveValue('not a postcode');
  });
  await expectNoA11yViolations(page);
});

test('a team manager is reminded, verifies an entry and its badge changes', async ({ page }) => {
  await signInAs(page, 'team_manager');

  await test.step('the inbox holds reminders to check entries that are due', async () => {
    await page.getByRole('link', { name: 'Inbox', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your inbox');
    await expect(page.getByText('Check the directory entry for', { exact: false }).first()).toBeVisible();
  });
  await expectNoA11yViolations(page);

  await test.step('find the stale occupational therapy entry', async () => {
    await page.goto('/directory');
    await page.getByLabel('What does the person need help with?').fill('grab rails in the bathroom');
    await page.getByLabel("The person's postcode").fill('E5 0PQ');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: 'Hackney Occupational Therapy – equipment and adaptations' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hackney Occupational Therapy – equipment and adaptations');
    await expect(page.locator('.nhsuk-tag').first()).toHaveText('Stale: may be out of date');
  });
  await expectNoA11yViolations(page);

  await test.step('confirm the details are still correct', async () => {
    await page.getByRole('button', { name: 'Confirm these details are still correct' }).click();
    await expect(page.getByText('You confirmed these details are still correct.')).toBeVisible();
    await expect(page.locator('.nhsuk-tag').first()).toHaveText('Checked recently');
    await expect(page.getByText('by Marcus Campbell').first()).toBeVisible();
  });
  await expectNoA11yViolations(page);

  await test.step('the history records the confirmation', async () => {
    await page.getByRole('link', { name: 'See every change to this entry' }).click();
    await expect(page.getByRole('cell', { name: /Confirmed as still correct/ }).first()).toBeVisible();
  });
  await expectNoA11yViolations(page);
});

test('a team manager edits a service; a problem keeps what was typed', async ({ page }) => {
  await signInAs(page, 'team_manager');
  await page.goto('/directory?text=help+with+washing+and+dressing&postcode=E5+0PQ');
  await page.getByRole('link', { name: 'Hackney Adult Social Care – assessment and support' }).click();
  await page.getByRole('link', { name: 'Change these details' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Change Hackney Adult Social Care');
  await expectNoA11yViolations(page);

  await test.step('a missing name is an error at its field, and the rest is kept', async () => {
    await page.getByLabel('Service name').fill('');
    await page.getByLabel('Typical wait').fill('Within 5 working days');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('.nhsuk-error-summary')).toContainText("Enter the service's name");
    await expect(page.getByLabel('Typical wait')).toHaveValue('Within 5 working days');
  });
  await expectNoA11yViolations(page);

  await test.step('with the name back, the change is saved and shown', async () => {
    await page.getByLabel('Service name').fill('Hackney Adult Social Care – assessment and support');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Your changes have been saved.')).toBeVisible();
    await expect(page.getByText('Within 5 working days')).toBeVisible();
  });
  await expectNoA11yViolations(page);
});

test('role profiles and the glossary are linked from the directory', async ({ page }) => {
  await signInAs(page, 'care_navigator');
  await page.goto('/directory');
  await page.getByRole('link', { name: 'what each role does' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('What each role does');
  await expectNoA11yViolations(page);

  await page.getByRole('link', { name: 'Occupational therapist' }).first().click();
  await expect(page.getByRole('heading', { name: 'What they need in a referral' })).toBeVisible();
  await expectNoA11yViolations(page);

  await page.getByRole('link', { name: 'The glossary of health and social care terms' }).click();
  await page.getByLabel('Search the glossary').fill('AMHP');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByText('Approved mental health professional').first()).toBeVisible();
  await expectNoA11yViolations(page);

  await test.step('who covers a practice', async () => {
    await page.goto('/directory/practices?q=clapton');
    await page.getByRole('link', { name: 'Lower Clapton Group Practice' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Who covers this practice?');
    await expect(page.getByText('Link social worker for the practice')).toBeVisible();
  });
  await expectNoA11yViolations(page);
});
