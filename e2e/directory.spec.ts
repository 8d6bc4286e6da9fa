// The directory's journeys in the demo: a GP in Hackney finds who can help
// with washing and dressing, and sees which services are out of area. Every
// page visited is checked with axe.
import { expectNoA11yViolations } from './axe';
import { expect, signInAs, signOut, test } from './demo';

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

  await test.step('the results are below the search form, a link away from the top of the page', async () => {
    const results = page.getByRole('heading', { level: 2, name: /^\d+ services can help$/ });
    await expect(results).not.toBeInViewport();
    const skip = page.getByRole('link', { name: /^Skip to the results: \d+ services can help$/ });
    await expect(skip).toBeInViewport();
    await skip.click();
    await expect(page).toHaveURL(/#results$/);
    await expect(results).toBeInViewport();
    await expect(results).toBeFocused();
  });

  const reablement = page.locator('.app-hit').filter({ has: page.getByRole('heading', { name: 'Hackney Reablement' }) });
  await test.step('Hackney Reablement is listed with a named duty contact, a freshness badge and response figures', async () => {
    await expect(reablement).toBeVisible();
    await expect(reablement).toContainText('London Borough of Hackney – Hackney Reablement Service');
    await expect(reablement).toContainText('Funmilayo Adebayo, Reablement duty coordinator');
    await expect(reablement.locator('.nhsuk-tag').first()).toHaveText('Checked recently');
    // The demo's history of referrals gives its main services real figures.
    await expect(reablement).toContainText(/Median time to acknowledge: [\d.]+ working hours?\. Median time to decide: [\d.]+ working hours?\. Accepted: \d+%/);
    await expect(reablement).not.toContainText('Not enough data');
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

test('a search that leaves out the practice is no gap; one from a demo postcode is a gap in its council area', async ({ page }) => {
  await signInAs(page, 'gp');
  const search = async (need: string, practice: string) => {
    await page.goto('/directory');
    await page.getByLabel('Or choose a need').selectOption({ label: need });
    await page.getByLabel("The person's postcode").fill('E5 0PQ');
    await page.getByLabel("Their GP practice's ODS code (optional)").fill(practice);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByText('Searching near E5 0PQ')).toBeVisible();
  };

  await test.step('without the practice, district nursing might take the person: no gap, and the page says why', async () => {
    await search('Wound and pressure care', '');
    await expect(page.getByRole('heading', { name: 'No service in the directory can help' })).toBeVisible();
    await expect(page.getByText('This search has not been recorded as a gap in service')).toBeVisible();
    await expect(page.getByText("Add their GP practice's ODS code to the search to find out.")).toBeVisible();
    await expect(page.getByText('This search has been recorded as a gap in service')).toHaveCount(0);
  });
  await expectNoA11yViolations(page);

  await test.step('with the practice, district nursing can help; its team names its organisation once', async () => {
    await search('Wound and pressure care', 'F84003');
    const nursing = page.locator('.app-hit').filter({ has: page.getByRole('heading', { name: 'Hackney District Nursing' }) });
    await expect(nursing).toContainText('Hackney Community Health Services – District Nursing Team');
    await expect(nursing).not.toContainText('Hackney Community Health Services – Hackney Community Health Services');
  });
  await expectNoA11yViolations(page);

  await test.step('a need no service meets is recorded as a gap', async () => {
    await search('Alcohol', 'F84003');
    await expect(page.getByText('This search has been recorded as a gap in service')).toBeVisible();
  });

  await test.step('the gap is in Hackney, where the demo postcode is', async () => {
    await signOut(page);
    await signInAs(page, 'analyst');
    await page.goto('/directory/gaps');
    await page.getByLabel('Council area').selectOption({ label: 'London Borough of Hackney' });
    await page.getByRole('button', { name: 'Show gaps' }).click();
    const row = page.getByRole('row', { name: /Alcohol/ });
    await expect(row).toContainText('Hackney');
    await expect(row).toContainText('E5');
    await expect(page.getByRole('row', { name: /Wound and pressure care/ })).toHaveCount(0);
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
    // The waiting list and the typical wait agree.
    await expect(page.getByText('Waiting list: 6 to 12 weeks').first()).toBeVisible();
    await expect(page.getByText('Urgent within 5 working days; routine 6 to 12 weeks')).toBeVisible();
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
