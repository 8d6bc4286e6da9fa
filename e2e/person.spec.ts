// The person record journeys (C3, C4), as a new user of the demo would do
// them: a practice manager registers a person, adds the demo social worker
// to the care team and names a coordinator; the social worker edits the
// care plan; a nurse with no relationship is refused and then uses
// break-glass with a reason; the privacy officer sees it in the review
// queue. Every page is checked with axe.
//
// The demo database is shared with the other spec files, so this spec
// registers its own person, with an NHS number from the 999 range that the
// demo's generator never reaches, and changes nothing else.
import { expectNoA11yViolations } from './axe';
import { expect, signInAs, signOut, test } from './demo';

// 999 999 9999 is valid (its check digit is 9) and far past the demo's
// people, who take the lowest numbers of the range.
const nhsNumber = '999 999 9999';

test.describe.configure({ mode: 'serial' });

let personPath = '';

test('a practice manager registers a person, adds a social worker to the care team and names a coordinator', async ({ page }) => {
  await signInAs(page, 'practice_manager');
  // The header names the practice's team without saying "practice" twice.
  await expect(page.getByRole('banner')).toContainText('Practice manager, Lower Clapton Group Practice team');
  await expect(page.getByRole('banner')).not.toContainText(/practice practice/i);
  await expectNoA11yViolations(page);

  await test.step('the register form shows every problem at its field', async () => {
    await page.getByRole('link', { name: 'Register a person', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Register a person');
    await expectNoA11yViolations(page);
    await page.getByLabel('NHS number', { exact: true }).fill('999 999 9993');
    await page.getByRole('button', { name: 'Register this person' }).click();
    await expect(page.getByRole('alert')).toContainText('This is not a valid NHS number');
    await expect(page.getByRole('alert')).toContainText('Enter their first name');
    await expect(page.getByLabel('NHS number', { exact: true })).toHaveValue('999 999 9993');
    await expectNoA11yViolations(page);
  });

  await test.step('the error summary names the field that is too long', async () => {
    await page.getByLabel('First name', { exact: true }).fill('W'.repeat(101));
    await page.getByRole('button', { name: 'Register this person' }).click();
    const link = page.getByRole('alert').getByRole('link', { name: 'The first name must be 100 characters or fewer' });
    await expect(link).toHaveAttribute('href', '#given_name');
    await expect(page.getByRole('alert')).not.toContainText('This must be');
    await link.click();
    await expect(page.getByLabel('First name', { exact: true })).toBeFocused();
    await expectNoA11yViolations(page);
  });

  await test.step('a valid person is registered', async () => {
    await page.getByLabel('NHS number', { exact: true }).fill(nhsNumber);
    await page.getByLabel('First name', { exact: true }).fill('Winifred');
    await page.getByLabel('Last name', { exact: true }).fill('Aldous');
    await page.getByLabel('Day', { exact: true }).fill('14');
    await page.getByLabel('Month', { exact: true }).fill('2');
    await page.getByLabel('Year', { exact: true }).fill('1938');
    await page.getByLabel('Address', { exact: true }).fill('Flat 3\n36 Lower Clapton Road\nLondon');
    await page.getByLabel('Postcode', { exact: true }).fill('E5 0PQ');
    await page.getByLabel('Phone number (optional)', { exact: true }).fill('020 7946 0123');
    await page.getByRole('radio', { name: 'Phone call' }).check();
    await page.getByLabel('What matters to me', { exact: true }).fill('Going to the Tuesday lunch club and seeing my cat every day.');
    await page.getByRole('button', { name: 'Register this person' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Winifred Aldous');
    await expect(page.getByText('No care coordinator has been named')).toBeVisible();
    await expect(page.getByText('London Borough of Hackney')).toBeVisible();
    await expect(page.getByText('Lower Clapton Group Practice (F84003)')).toBeVisible();
    await expect(page.getByText('Going to the Tuesday lunch club')).toBeVisible();
    personPath = new URL(page.url()).pathname;
    await expectNoA11yViolations(page);
  });

  await test.step('the social worker joins the care team', async () => {
    await page.getByRole('link', { name: 'See and change the care team' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Care team');
    await expectNoA11yViolations(page);
    await page.getByLabel('Their name or email address').fill('Priya');
    await page.getByRole('button', { name: 'Find colleague' }).click();
    await page.getByRole('radio', { name: /Priya Chauhan, Social worker/ }).check();
    await page.getByLabel('What they are responsible for', { exact: true }).first().fill('Care Act assessment and support planning');
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: 'Add to the care team' }).click();
    await expect(page.getByText('They have been added to the care team.')).toBeVisible();
    await expectNoA11yViolations(page);
  });

  await test.step('and is named care coordinator, shown at the top of the record', async () => {
    await page.getByRole('button', { name: 'Make Priya Chauhan the care coordinator' }).click();
    await expect(page.getByText('The care coordinator has been changed.')).toBeVisible();
    await page.getByRole('link', { name: 'Record', exact: true }).click();
    const coordinator = page.locator('.nhsuk-card--feature');
    await expect(coordinator).toContainText('Care coordinator');
    await expect(coordinator).toContainText('Priya Chauhan');
    await expect(coordinator).toContainText('social-worker@demo.joinedup.test');
    await expectNoA11yViolations(page);
  });
  await signOut(page);
});

test('the social worker edits the care plan, and the history shows who changed what', async ({ page }) => {
  expect(personPath, 'the registration test ran first').not.toBe('');
  await signInAs(page, 'social_worker');

  await test.step('the social worker finds the person by NHS number', async () => {
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'People' }).click();
    await expectNoA11yViolations(page);
    await page.getByLabel('NHS number', { exact: true }).fill(nhsNumber);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('heading', { name: '1 person found' })).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: 'Winifred Aldous' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Winifred Aldous');
  });

  await test.step('writes goals in the person’s own words', async () => {
    await page.getByRole('link', { name: 'Care and support plan' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Care and support plan');
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: 'Change this section (My goals)' }).click();
    await expectNoA11yViolations(page);
    await page.getByLabel('Goals in my own words').fill('Get to the lunch club on my own\nStay in my flat');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('The plan has been saved.')).toBeVisible();
    await expect(page.getByText('Stay in my flat')).toBeVisible();
    await expect(page.getByText('Last changed by Priya Chauhan').first()).toBeVisible();
  });

  await test.step('adds an action with an owner, a due date and a status', async () => {
    await page.getByRole('link', { name: 'Add an action' }).click();
    await expectNoA11yViolations(page);
    await page.getByLabel('What will be done').fill('Assess for a walking frame');
    await page.getByLabel('Who will do it').selectOption({ label: 'Priya Chauhan (Social worker)' });
    await page.getByLabel('Day').fill('15');
    await page.getByLabel('Month').fill('6');
    await page.getByLabel('Year').fill('2027');
    await page.getByRole('radio', { name: 'In progress' }).check();
    await page.getByRole('button', { name: 'Save the action' }).click();
    await expect(page.getByText('The action has been saved.')).toBeVisible();
    const row = page.getByRole('row', { name: /Assess for a walking frame/ });
    await expect(row).toContainText('15 June 2027');
    await expect(row).toContainText('In progress');
    await expectNoA11yViolations(page);
  });

  await test.step('the history shows the change as a readable difference', async () => {
    await page.getByRole('link', { name: 'Plan history' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('History of the plan');
    await expect(page.getByText(/My goals: changed by Priya Chauhan/)).toBeVisible();
    await expect(page.locator('ins', { hasText: 'Stay in my flat' })).toBeVisible();
    await expectNoA11yViolations(page);
  });

  await test.step('the timeline brings plan and care team changes together', async () => {
    await page.getByRole('link', { name: 'Timeline', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Timeline');
    await expect(page.getByText('Care plan changed: My goals', { exact: true })).toBeVisible();
    await expect(page.getByText('Priya Chauhan (Social worker) is now the care coordinator')).toBeVisible();
    await expectNoA11yViolations(page);
  });
  await signOut(page);
});

test('a nurse with no relationship is refused, then uses break-glass with a reason', async ({ page }) => {
  expect(personPath, 'the registration test ran first').not.toBe('');
  await signInAs(page, 'nurse');

  await test.step('opening the record is refused', async () => {
    const res = await page.goto(personPath);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this record');
    await expect(page.getByText('Winifred')).toHaveCount(0);
    await expectNoA11yViolations(page);
  });

  await test.step('a search by NHS number finds no one, and offers emergency access', async () => {
    await page.goto('/people');
    await page.getByLabel('NHS number', { exact: true }).fill(nhsNumber);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('heading', { name: 'No one found' })).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: 'use emergency access' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Emergency access to a record');
    await expectNoA11yViolations(page);
  });

  await test.step('a reason is required', async () => {
    await page.getByRole('button', { name: 'Open the record in an emergency' }).click();
    await expect(page.getByRole('alert')).toContainText('Choose why you need this record');
    await expect(page.getByRole('alert')).toContainText('Explain why you need this record now');
    await expectNoA11yViolations(page);
  });

  await test.step('with a reason, the record opens for a limited time', async () => {
    await page.getByRole('radio', { name: "A risk to the person's life or health right now" }).check();
    await page.getByLabel('Explain why you need their record now').fill('Found on the floor at home by the district nursing team; need her medicines and who to call.');
    await page.getByRole('button', { name: 'Open the record in an emergency' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Winifred Aldous');
    await expect(page.getByText('You are using emergency access')).toBeVisible();
    await expect(page.getByRole('link', { name: /Change their details/ })).toHaveCount(0);
    await expectNoA11yViolations(page);
  });
  await signOut(page);
});

test('the privacy officer sees the break-glass in the review queue and reviews it', async ({ page }) => {
  await signInAs(page, 'privacy_officer');
  await page.getByRole('link', { name: 'Review emergency access' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Emergency access to review');
  const row = page.getByRole('row', { name: /Winifred Aldous/ });
  await expect(row).toContainText('Grace Mensah');
  await expect(row).toContainText('Found on the floor at home');
  await expectNoA11yViolations(page);

  await row.getByRole('link', { name: /Review/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Review emergency access');
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: 'See who has accessed this record' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Who has accessed this record');
  await expect(page.getByRole('row', { name: /Refused/ }).first()).toContainText('Grace Mensah');
  await expect(page.getByRole('row', { name: /Used emergency access/ })).toContainText('Grace Mensah');
  // What each access showed, and why it was allowed, in words.
  const looked = page.getByRole('row', { name: /Grace Mensah/ }).filter({ hasText: 'Looked at the record' }).first();
  await expect(looked).toContainText('Their identity, contact details, communication needs, carers, no alerts, the care team and “About me”.');
  await expect(looked).toContainText('Through emergency access.');
  await expect(page.locator('main')).not.toContainText(/\d+ shown|\d+ withheld|through:/);
  await expectNoA11yViolations(page);
  await page.goBack();

  await page.getByRole('radio', { name: 'Appropriate', exact: true }).check();
  await page.getByLabel('Notes (needed if it was not appropriate)').fill('Confirmed with the district nursing team lead.');
  await page.getByRole('button', { name: 'Save the review' }).click();
  await expect(page.getByText('Your review has been saved.')).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: 'Reviewed', exact: true }).click();
  await expect(page.getByRole('row', { name: /Winifred Aldous/ })).toContainText('Appropriate');
  await expectNoA11yViolations(page);
  await signOut(page);
});
