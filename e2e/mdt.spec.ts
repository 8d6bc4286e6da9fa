// The MDT meeting journey (C5), as a new user of the demo would do it: the
// MDT coordinator schedules a meeting series with the scheduling assistant
// and puts two people on the agenda; the social worker accepts and opens
// one pre-read pack; the meeting records attendance and assigns actions to
// the GP and the social worker; the person not reached is carried over;
// the next meeting's agenda shows them and the open actions; and the GP
// practice sees the outcome on the person's timeline. Every page is checked
// with axe.
//
// The demo database is shared with the other spec files, so this spec
// makes its own meeting series (with its own title) and uses two demo
// people, Emmanuel Boateng and Ruth Feldman, only on that series' agendas.
import { expectNoA11yViolations } from './axe';
import { expect, signInAs, signOut, test } from './demo';

const seriesTitle = 'Clapton complex care MDT (browser test)';
// Demo story people registered with Lower Clapton Group Practice.
const emmanuel = { name: 'Emmanuel Boateng', nhs: '9997770021' };
const ruth = { name: 'Ruth Feldman', nhs: '9997770013' };

test.describe.configure({ mode: 'serial' });

let meetingPath = '';

test('an MDT coordinator schedules a meeting in protected time and adds two people', async ({ page }) => {
  await signInAs(page, 'mdt_coordinator');
  await expectNoA11yViolations(page);

  await test.step('the scheduling assistant proposes protected times around clinics', async () => {
    await page.getByRole('link', { name: 'Set up an MDT meeting series' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up a meeting series');
    await expectNoA11yViolations(page);
    await page.getByLabel('Name of the meeting', { exact: true }).fill(seriesTitle);
    await page.getByRole('checkbox', { name: 'Amara Okafor, GP' }).check();
    await page.getByRole('checkbox', { name: 'Priya Chauhan, Social worker' }).check();
    await page.getByLabel('Where it meets', { exact: true }).fill('Lower Clapton Group Practice, meeting room 2');
    await page.getByLabel('Link to join online', { exact: true }).fill('https://meet.demo.joinedup.test/complex-care');
    await page.getByRole('radio', { name: 'Lunchtime, 12:00 to 14:00' }).check();
    await page.getByRole('button', { name: 'Find times' }).click();
    await expect(page.getByRole('heading', { name: 'Proposed times' })).toBeVisible();
    // The GP's morning surgery and the nurse's visits are blocked times;
    // the first proposals are protected time.
    await expect(page.getByText('Protected time: nobody has to leave a clinic').first()).toBeVisible();
    await expect(page.getByLabel('Name of the meeting', { exact: true })).toHaveValue(seriesTitle);
    await expectNoA11yViolations(page);
  });

  await test.step('the coordinator chooses the first proposal and sets up the series', async () => {
    await page.locator('input[name="slot"]').first().check();
    await page.getByRole('button', { name: 'Set up the series' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(seriesTitle);
    await expect(page.getByText('The meeting series has been set up')).toBeVisible();
    await expect(page.getByText('Amara Okafor, GP')).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('heading', { name: 'Coming meetings' }).locator('xpath=following-sibling::ul[1]').getByRole('link').first().click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(seriesTitle);
    meetingPath = new URL(page.url()).pathname;
    await expectNoA11yViolations(page);
  });

  await test.step('a mistyped NHS number is shown at its field, keeping the question', async () => {
    await page.getByLabel('NHS number', { exact: true }).fill('999 777 0022');
    await page.getByLabel('The question for the team', { exact: true }).fill('Keep this question');
    await page.getByRole('button', { name: 'Add to the agenda' }).click();
    await expect(page.getByRole('alert')).toContainText('NHS number');
    await expect(page.getByLabel('The question for the team', { exact: true })).toHaveValue('Keep this question');
    await expectNoA11yViolations(page);
  });

  await test.step('two people are put on the agenda', async () => {
    for (const [person, question] of [
      [emmanuel, 'Heart failure and diabetes, and he now lives alone: what support does he need at home?'],
      [ruth, 'Memory is getting worse: should we plan for more care?'],
    ] as const) {
      await page.getByLabel('NHS number', { exact: true }).fill(person.nhs);
      await page.getByLabel('The question for the team', { exact: true }).fill(question);
      await page.getByRole('checkbox', { name: 'Social worker' }).check();
      await page.getByRole('button', { name: 'Add to the agenda' }).click();
      await expect(page.getByText('The person has been added to the agenda.')).toBeVisible();
      await expect(page.getByRole('heading', { name: new RegExp(person.name) })).toBeVisible();
    }
    await expect(page.getByText('read by 0 of 3').first()).toBeVisible();
    await expectNoA11yViolations(page);
  });
  await signOut(page);
});

test('the social worker accepts and opens one pre-read pack', async ({ page }) => {
  expect(meetingPath, 'the scheduling test ran first').not.toBe('');
  await signInAs(page, 'social_worker');
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'MDT meetings' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('MDT meetings');
  await expectNoA11yViolations(page);
  await page.goto(meetingPath);
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByText('You have accepted.')).toBeVisible();
  await expectNoA11yViolations(page);

  await page.getByRole('link', { name: `Open the pre-read pack for ${emmanuel.name}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(emmanuel.name);
  for (const section of ['Care and support plan', 'Open referrals', 'Open actions', 'Recent events']) {
    await expect(page.getByRole('heading', { level: 2, name: section })).toBeVisible();
  }
  await expect(page.getByText('Heart failure clinic referral')).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: 'Back to the meeting' }).click();
  await expect(page.getByText('read by 1 of 3 (including you)')).toBeVisible();
  await signOut(page);
});

test('the meeting records attendance, assigns actions to a GP and a social worker, and carries one person over', async ({ page }) => {
  expect(meetingPath, 'the scheduling test ran first').not.toBe('');
  await signInAs(page, 'mdt_coordinator');
  await page.goto(meetingPath);

  await test.step('starting the meeting before its day asks first, since it closes and sends the agenda', async () => {
    await page.getByRole('button', { name: 'Start the meeting' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('This meeting is not due to start yet');
    await expect(page.getByText(/It is planned for .+: (in \d+ days|tomorrow|later today)\./)).toBeVisible();
    await expect(page.getByText('Starting it now cannot be undone')).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: 'Go back to the meeting without starting it' }).click();
    await expect(page.getByRole('button', { name: 'Start the meeting' })).toBeVisible();
    await expect(page.getByText('The meeting has started.')).toHaveCount(0);
  });

  await test.step('the coordinator starts the meeting and records attendance', async () => {
    await page.getByRole('button', { name: 'Start the meeting' }).click();
    await page.getByRole('button', { name: 'Start the meeting now' }).click();
    await expect(page.getByText('The meeting has started.')).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByLabel('How Amara Okafor attended').selectOption('attended_in_person');
    await page.getByLabel('How Priya Chauhan attended').selectOption('attended_remotely');
    await page.getByLabel('How Chloe Bennett attended').selectOption('attended_in_person');
    await page.getByRole('button', { name: 'Save attendance' }).click();
    await expect(page.getByText('Attendance has been saved.')).toBeVisible();
    await expect(page.getByText('3 attended (1 remotely)')).toBeVisible();
  });

  await test.step('the discussion of one person ends in actions for the GP and the social worker', async () => {
    await page.getByRole('button', { name: `Record the discussion of ${emmanuel.name}` }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(emmanuel.name);
    await expectNoA11yViolations(page);
    await page.getByLabel('What was discussed', { exact: true }).fill('Two admissions with breathlessness since March; managing stairs with difficulty.');
    await page.getByLabel('What was decided', { exact: true }).fill('Care Act assessment this month; medication review before the next meeting.');
    await page.getByRole('button', { name: 'Save the discussion' }).click();
    await expect(page.getByText('The discussion has been saved.')).toBeVisible();

    // An action needs an owner.
    await page.getByLabel('What needs to be done', { exact: true }).fill('Nobody owns this');
    await page.getByRole('button', { name: 'Add the action' }).click();
    await expect(page.getByRole('alert')).toContainText('Choose who owns the action');
    await expectNoA11yViolations(page);

    const due = new Date(Date.now() + 14 * 24 * 3600 * 1000);
    for (const [what, who] of [
      ['Medication review for heart failure', 'Amara Okafor ('],
      ['Care Act assessment at home', 'Priya Chauhan ('],
    ]) {
      await page.getByLabel('What needs to be done', { exact: true }).fill(what);
      const owner = page.getByLabel('Who owns it', { exact: true });
      const value = await owner.locator('option', { hasText: who }).getAttribute('value');
      await owner.selectOption(value!);
      await page.getByLabel('Day', { exact: true }).fill(String(due.getDate()));
      await page.getByLabel('Month', { exact: true }).fill(String(due.getMonth() + 1));
      await page.getByLabel('Year', { exact: true }).fill(String(due.getFullYear()));
      await page.getByRole('button', { name: 'Add the action' }).click();
      await expect(page.getByText('The action has been added, and its owner told.')).toBeVisible();
    }
    await expect(page.getByText('Medication review for heart failure: Amara Okafor')).toBeVisible();
    await expectNoA11yViolations(page);
  });

  await test.step('finishing carries the person not reached, and the open actions, to the next meeting', async () => {
    await page.getByRole('link', { name: 'Back to the meeting' }).click();
    await page.getByRole('button', { name: 'Finish meeting' }).click();
    await expect(page.getByText('The meeting has been finished.')).toBeVisible();
    await expect(page.getByText(/was sent to \d+ people at Lower Clapton Group Practice/)).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: 'Go to the next meeting' }).click();
    const ruthItem = page.locator('.nhsuk-card', { has: page.getByRole('heading', { name: new RegExp(ruth.name) }) });
    await expect(ruthItem).toContainText('Carried over from');
    await expect(ruthItem).toContainText('Memory is getting worse');
    const review = page.getByRole('table');
    await expect(review).toContainText('Medication review for heart failure');
    await expect(review).toContainText('Care Act assessment at home');
    await expectNoA11yViolations(page);
  });
  await signOut(page);
});

test('the GP practice sees the outcome on the person’s timeline, and the GP closes their action', async ({ page }) => {
  expect(meetingPath, 'the scheduling test ran first').not.toBe('');
  await signInAs(page, 'practice_staff');
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('link', { name: 'MDT outcome for one of your patients' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Timeline');
  await expect(page.getByText(/Care Act assessment this month; medication review before the next meeting\./)).toBeVisible();
  await expectNoA11yViolations(page);
  await signOut(page);

  await signInAs(page, 'gp');
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'MDT meetings' }).click();
  await page.getByRole('link', { name: 'My actions' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My actions');
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: 'Medication review for heart failure' }).click();
  await expectNoA11yViolations(page);
  await page.getByRole('radio', { name: 'Yes, it is done' }).check();
  await page.getByLabel('Progress', { exact: true }).fill('Reviewed; diuretic dose changed.');
  await page.getByRole('button', { name: 'Save the action' }).click();
  await expect(page.getByText('The action has been saved.')).toBeVisible();
  await expectNoA11yViolations(page);
  await signOut(page);

  // The social worker's action starts a referral prefilled from it.
  await signInAs(page, 'social_worker');
  await page.goto('/mdt/actions');
  await page.getByRole('link', { name: 'Care Act assessment at home' }).click();
  await page.getByRole('link', { name: 'Make a referral from this action' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Make a referral from this action');
  await expectNoA11yViolations(page);
  await page.getByRole('button', { name: 'Continue to the referral' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose a service');
  await expectNoA11yViolations(page);
  // Services covering where the person lives come first, as the hint says.
  const choices = page.getByLabel('Which service should the referral go to?');
  await expect(choices.locator('optgroup').first()).toHaveAttribute('label', 'Services that cover where the person lives');
  await expect(choices.locator('option').nth(1)).toHaveText(/^Hackney /);
  await choices.selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Continue to the referral' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Refer to');
  await expect(page.getByLabel('What does the person want from this referral?')).toHaveValue('Care Act assessment at home');
  await expect(page.getByText('This referral is made from the MDT action')).toBeVisible();
  await expectNoA11yViolations(page);
  await signOut(page);
});

test('users keep their blocked times, and subscribe to their meetings', async ({ page }) => {
  await signInAs(page, 'occupational_therapist');
  await page.goto('/mdt/blocked-times');
  await expectNoA11yViolations(page);
  await page.getByLabel('What it is for', { exact: true }).fill('Equipment clinic');
  await page.getByLabel('Day', { exact: true }).first().selectOption('Tuesday');
  await page.getByLabel('From', { exact: true }).fill('09:00');
  await page.getByLabel('To', { exact: true }).fill('12:30');
  await page.getByRole('checkbox', { name: 'Yes, a surgery, clinic or home visits' }).check();
  await page.getByRole('button', { name: 'Add the blocked time' }).click();
  await expect(page.getByText('Your blocked time has been added.')).toBeVisible();
  await expect(page.getByRole('cell', { name: /Every Tuesday, 09:00 to 12:30/ })).toBeVisible();
  await expectNoA11yViolations(page);

  await page.goto('/mdt/calendar');
  await expectNoA11yViolations(page);
  await page.getByRole('button', { name: 'Make my calendar link' }).click();
  const link = await page.getByLabel('Your calendar link').inputValue();
  expect(link).toMatch(/\/calendar\/[A-Za-z0-9_-]{40,}$/);
  await expectNoA11yViolations(page);
  const feed = await page.request.get(new URL(link).pathname);
  expect(feed.status()).toBe(200);
  expect(feed.headers()['content-type']).toContain('text/calendar');
  expect(await feed.text()).toContain('BEGIN:VCALENDAR');
  await signOut(page);
});
