// The referral journeys (C2, C6), as a new user of the demo would do them:
// a GP refers someone to the social work team, who acknowledge it, ask a
// question, get the answer, accept it and complete it, and the GP sees the
// outcome; a second referral is redirected to another service and a third
// declined with a suggestion, and the GP sees where each went. Every page
// is checked with axe.
//
// The demo database is shared with the other spec files, so this spec
// refers only the demo's referral people whose referrals are all closed
// (Arif Chowdhury, Leonard Fairweather, Yetunde Adebisi), whom no other
// spec uses.
import type { Page } from '@playwright/test';
import { expectNoA11yViolations } from './axe';
import { expect, signInAs, signOut, test } from './demo';

const socialWork = 'Hackney Adult Social Care – North Locality social work';

test.describe.configure({ mode: 'serial' });

// refer finds the social work service in the directory and sends it a
// referral for the person with this NHS number, returning its path.
async function refer(page: Page, nhs: string, wants: string): Promise<string> {
  await page.getByRole('link', { name: 'Find a service', exact: true }).first().click();
  await page.getByLabel('What does the person need help with?').fill('social work assessment');
  await page.getByLabel("The person's postcode").fill('E5 0PQ');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: socialWork }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(socialWork);
  await expect(page.getByText('Not enough data').or(page.getByText('Median time to acknowledge'))).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByRole('button', { name: 'Refer to this service' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Refer to ${socialWork}`);
  await expect(page.getByText('How to refer to this service')).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByLabel("The person's NHS number").fill(nhs);
  await page.getByLabel('What does the person need help with?').selectOption('personal-care/washing-and-dressing');
  await page.getByLabel('What does the person want from this referral?').fill(wants);
  await page.getByRole('radio', { name: 'The person has given explicit consent' }).check();
  await page.getByLabel('How should the team contact the person?').fill('Phone them on weekday mornings');
  await page.getByRole('button', { name: 'Send the referral' }).click();
  await expect(page.getByText(`Your referral has been sent to ${socialWork}`)).toBeVisible();
  await expectNoA11yViolations(page);
  return new URL(page.url()).pathname;
}

test('a GP refers to the social work team, who acknowledge, ask, accept and complete; the GP sees the outcome', async ({ page }) => {
  let referral = '';

  await test.step('the GP refers, and a form with problems keeps what was typed and the file', async () => {
    await signInAs(page, 'gp');
    await page.getByRole('link', { name: 'Find a service', exact: true }).first().click();
    await page.getByLabel('What does the person need help with?').fill('social work assessment');
    await page.getByLabel("The person's postcode").fill('E5 0PQ');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: socialWork }).first().click();
    await page.getByRole('button', { name: 'Refer to this service' }).click();
    await page.getByLabel("The person's NHS number").fill('999 444 0047');
    await page.getByLabel('What does the person want from this referral?').fill('Arif wants help to wash and dress after his fall.');
    await page.getByRole('radio', { name: 'Safeguarding, without consent' }).check();
    await page.getByLabel('Attach files').setInputFiles({
      name: 'discharge-letter.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'),
    });
    await page.getByRole('button', { name: 'Send the referral' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await expect(summary).toContainText('Choose what the person needs help with');
    await expect(summary).toContainText('Explain why sharing without the person');
    await expect(page.getByLabel('What does the person want from this referral?')).toHaveValue('Arif wants help to wash and dress after his fall.');
    await expect(page.getByRole('checkbox', { name: /discharge-letter\.pdf/ })).toBeChecked();
    await expectNoA11yViolations(page);

    await page.getByLabel('What does the person need help with?').selectOption('personal-care/washing-and-dressing');
    await page.getByRole('radio', { name: 'The person has given explicit consent' }).check();
    await page.getByLabel('How should the team contact the person?').fill('Phone Arif on weekday mornings');
    await page.getByRole('button', { name: 'Send the referral' }).click();
    await expect(page.getByText(`Your referral has been sent to ${socialWork}`)).toBeVisible();
    await expect(page.getByRole('link', { name: 'discharge-letter.pdf' })).toBeVisible();
    referral = new URL(page.url()).pathname;
    await expectNoA11yViolations(page);
    await signOut(page);
  });

  await test.step('the social worker finds it in the incoming queue and acknowledges it', async () => {
    await signInAs(page, 'social_worker');
    await page.getByRole('link', { name: 'Referrals', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Referrals to your team');
    await expect(page.getByText('Harold Pemberton')).toBeVisible();
    await expect(page.getByText('Overdue: escalated').first()).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: /Arif Chowdhury/ }).click();
    await expect(page.getByText('Arif wants help to wash and dress after his fall.')).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await expect(page.getByText('Done: this referral is now acknowledged.')).toBeVisible();
  });

  await test.step('asks the GP a question, which puts it on hold', async () => {
    await page.getByRole('button', { name: 'Ask the referrer a question or put on hold' }).click();
    await expect(page.getByRole('radio', { name: 'Information requested from the referrer' })).toBeChecked();
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: 'Put on hold' }).click();
    await expect(page.locator('.nhsuk-error-summary')).toContainText('Say what information you need from the referrer');
    await page.getByLabel('Your question, or why it is on hold').fill('Does Arif have a key safe, and who holds the code?');
    await page.getByRole('button', { name: 'Put on hold' }).click();
    await expect(page.getByText('Done: this referral is now on hold.')).toBeVisible();
    await expect(page.getByText('Question from Priya Chauhan')).toBeVisible();
    await expectNoA11yViolations(page);
    await signOut(page);
  });

  await test.step('the GP is told, and answers in the thread', async () => {
    await signInAs(page, 'gp');
    await page.getByRole('link', { name: 'Inbox', exact: true }).click();
    await expect(page.getByRole('link', { name: /put on hold/ }).first()).toBeVisible();
    await expectNoA11yViolations(page);
    await page.goto(referral);
    await expect(page.getByText('Does Arif have a key safe, and who holds the code?').first()).toBeVisible();
    await page.getByLabel("Your answer to the team's question").fill('Yes: his daughter Samira holds the code, 07700 900522.');
    await page.getByRole('button', { name: 'Send your answer' }).click();
    await expect(page.getByText('Your message has been sent.')).toBeVisible();
    await expect(page.getByText(/Read by Amara Okafor|Not read yet/).first()).toBeVisible();
    await expectNoA11yViolations(page);
    // The notice is shown once: it is not in the address, and a reload
    // does not bring it back.
    expect(new URL(page.url()).search).toBe('');
    await page.reload();
    await expect(page.getByText('Does Arif have a key safe, and who holds the code?').first()).toBeVisible();
    await expect(page.getByText('Your message has been sent.')).toHaveCount(0);
    await signOut(page);
  });

  await test.step('the social worker reads the answer, accepts and completes it', async () => {
    await signInAs(page, 'social_worker');
    await page.goto(referral);
    await expect(page.getByText('Answer from Amara Okafor')).toBeVisible();
    await page.getByRole('button', { name: 'Accept', exact: true }).click();
    await expect(page.getByText('Done: this referral is now accepted.')).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: 'Complete and send the outcome' }).click();
    await page.getByRole('radio', { name: 'Assessment arranged' }).check();
    await page.getByLabel('Summary of the outcome for the referrer').fill('Home assessment on Thursday at 10am with Samira there.');
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: 'Complete and send the outcome' }).click();
    await expect(page.getByText('Done: this referral is now completed.')).toBeVisible();
    await expectNoA11yViolations(page);
    await signOut(page);
  });

  await test.step('the GP sees the outcome', async () => {
    await signInAs(page, 'gp');
    await page.getByRole('link', { name: 'Referrals', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Referrals sent by your team');
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: /Arif Chowdhury/ }).first().click();
    const outcome = page.locator('#outcome');
    await expect(outcome).toContainText('Outcome: Assessment arranged');
    await expect(outcome).toContainText('Home assessment on Thursday at 10am with Samira there.');
    await expectNoA11yViolations(page);
  });

  await test.step('marking it entered in error is a quiet link that asks first', async () => {
    await expect(page.getByRole('button', { name: /entered in error/ })).toHaveCount(0);
    await page.getByRole('link', { name: 'Mark it as entered in error' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mark as entered in error');
    await expect(page.getByText('It cannot be undone.')).toBeVisible();
    await expectNoA11yViolations(page);
    // Going back changes nothing.
    await page.getByRole('link', { name: 'Cancel and go back to the referral' }).click();
    await expect(page.locator('#outcome')).toContainText('Outcome: Assessment arranged');
    await page.getByRole('link', { name: 'Mark it as entered in error' }).click();
    await page.getByLabel('Why was this referral entered in error?').fill('Sent twice by mistake.');
    await page.getByRole('button', { name: 'Mark as entered in error' }).click();
    await expect(page.getByText('Done: this referral is now entered in error.')).toBeVisible();
    await expect(page.locator('#outcome')).toContainText('Entered in error');
    await expectNoA11yViolations(page);
    await signOut(page);
  });
});

test('a second referral is redirected and a third declined; the GP sees where each went', async ({ page }) => {
  let redirected = '';
  let declined = '';
  await test.step('the GP refers two more people', async () => {
    await signInAs(page, 'gp');
    redirected = await refer(page, '999 444 0063', 'Leonard wants to get out and meet people again.');
    declined = await refer(page, '999 444 0071', 'Yetunde wants someone to talk to.');
    await signOut(page);
  });

  await test.step('the social worker redirects one to reablement', async () => {
    await signInAs(page, 'social_worker');
    await page.goto(redirected);
    await page.getByRole('button', { name: 'Redirect to another service' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Redirect to another service');
    await expectNoA11yViolations(page);
    // The services covering where the person lives come first, as the
    // hint says: Hackney's, not Croydon's.
    const groups = page.getByLabel('Which service should it go to?').locator('optgroup');
    await expect(groups.first()).toHaveAttribute('label', 'Services for this kind of need that cover where the person lives');
    await expect(groups.first().locator('option').first()).toHaveText(/^Hackney /);
    await expect(groups.first().locator('option', { hasText: 'Croydon' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Redirect the referral' }).click();
    await expect(page.locator('.nhsuk-error-summary')).toContainText('Choose the service to redirect this referral to');
    await page.getByLabel('Which service should it go to?').selectOption({ label: 'Hackney Reablement (London Borough of Hackney)' });
    await page.getByRole('radio', { name: 'Another service is better placed to help' }).check();
    await page.getByRole('button', { name: 'Redirect the referral' }).click();
    await expect(page.getByText('Done: this referral is now redirected.')).toBeVisible();
    await expectNoA11yViolations(page);
  });

  await test.step('and declines the other, suggesting where to go instead', async () => {
    await page.goto(declined);
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.getByRole('radio', { name: 'Another service is better placed to help' }).check();
    await page.getByRole('button', { name: 'Decline' }).click();
    await expect(page.locator('.nhsuk-error-summary')).toContainText('Suggest where the person could be referred instead');
    await page.getByLabel('Where could the person be referred instead?').fill('Hackney Social Prescribing: a link worker can help');
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: 'Decline' }).click();
    await expect(page.getByText('Done: this referral is now declined.')).toBeVisible();
    await signOut(page);
  });

  await test.step('the GP sees where each went', async () => {
    await signInAs(page, 'gp');
    await page.goto(redirected);
    const outcome = page.locator('#outcome');
    await expect(outcome).toContainText('Redirected to Hackney Reablement');
    await expectNoA11yViolations(page);
    await outcome.getByRole('link', { name: 'See the referral to Hackney Reablement' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Referral to Hackney Reablement');
    await expect(page.getByText(`This referral was redirected here from ${socialWork}`)).toBeVisible();
    await expectNoA11yViolations(page);
    await page.goto(declined);
    await expect(page.locator('#outcome')).toContainText('Suggested instead: Hackney Social Prescribing');
    await expectNoA11yViolations(page);
    await signOut(page);
  });
});

test('the team manager sees the overdue referral escalated', async ({ page }) => {
  await signInAs(page, 'team_manager');
  await expect(page.getByRole('link', { name: 'Referrals to your team' })).toBeVisible();
  await expect(page.getByText(/\d+ new and [1-9]\d* overdue/)).toBeVisible();
  await page.getByRole('link', { name: 'Referrals to your team' }).click();
  await expect(page.getByRole('link', { name: /Harold Pemberton/ })).toBeVisible();
  await expect(page.getByText('Overdue: escalated').first()).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: /Harold Pemberton/ }).click();
  await expect(page.getByText("Overdue: escalated to the team's managers")).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: 'Inbox', exact: true }).click();
  await expect(page.getByRole('link', { name: /^Overdue: routine referral/ }).first()).toBeVisible();
  await expectNoA11yViolations(page);
});

test('the worklists are readable on a 375-pixel phone', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  for (const [role, path] of [
    ['social_worker', '/referrals/incoming'],
    ['gp', '/referrals/sent'],
  ]) {
    await signInAs(page, role);
    await page.goto(path);
    await expect(page.getByRole('table').first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
    // Each cell is its heading beside one block of text: the person's name
    // with their NHS number beneath it, not spread across the row.
    const cell = page.getByRole('cell').filter({ hasText: 'NHS number' }).first();
    const name = await cell.getByRole('link').boundingBox();
    const nhs = await cell.getByText(/NHS number/).boundingBox();
    expect(name && nhs && nhs.y >= name.y + name.height - 1, 'the NHS number is beneath the name').toBe(true);
    await expectNoA11yViolations(page);
    await signOut(page);
  }
});