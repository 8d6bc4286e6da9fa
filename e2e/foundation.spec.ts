// The foundation journey, for every role the demo creates: signed-out
// redirect, sign in, home page, a missing page, sign out; each page checked
// with axe. The demo gives every role one account,
// <role code with - for _>@demo.joinedup.test, all with the same password.
import type { Page } from '@playwright/test';
import { expectNoA11yViolations } from './axe';
import { demoPassword, emailFor, expect, signIn, test } from './demo';

const roles = [
  'admin',
  'org_admin',
  'gp',
  'practice_manager',
  'practice_staff',
  'social_worker',
  'team_manager',
  'nurse',
  'occupational_therapist',
  'care_navigator',
  'mdt_coordinator',
  'privacy_officer',
  'analyst',
];

async function expectSignInPage(page: Page) {
  await expect(page).toHaveURL(/\/sign-in(\?.*)?$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
}

// Lines of text in the page header, for telling what signing in added.
async function headerLines(page: Page): Promise<string[]> {
  const text = await page.getByRole('banner').innerText();
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

test('GET /healthz answers 200', async ({ request }) => {
  const res = await request.get('/healthz');
  expect(res.status()).toBe(200);
});

test.describe('every role can sign in and out', () => {
  for (const role of roles) {
    test(`${role}: sign in, home, page not found, sign out`, async ({ page }) => {
      const email = emailFor(role);

      await test.step('signed out, / redirects to the sign-in page', async () => {
        await page.goto('/');
        await expectSignInPage(page);
      });
      const signedOutHeader = await headerLines(page);

      await test.step('sign in lands on the home page', async () => {
        await signIn(page, email, demoPassword);
        await expect(page).toHaveURL('/');
        await expect(page.getByRole('heading', { level: 1 })).toContainText('What you can do today');
        // app.js ran: it is a module script, so this also proves the CSP lets it load.
        await expect(page.locator('body')).toHaveClass(/\bnhsuk-frontend-supported\b/);
      });

      await test.step('the header shows who is signed in and a sign-out button', async () => {
        const header = page.getByRole('banner');
        await expect(header.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
        // The user's name and team are whatever the demo invents; what must
        // hold is that the header now says more than it did signed out.
        const added = (await headerLines(page)).filter((l) => l !== 'Sign out' && !signedOutHeader.includes(l));
        expect(added, 'text the header gained on signing in (name and team)').not.toEqual([]);
      });
      await expectNoA11yViolations(page);

      await test.step('an unknown address shows the page-not-found page', async () => {
        const res = await page.goto('/no-such-page');
        expect(res?.status()).toBe(404);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
      });
      await expectNoA11yViolations(page);

      await test.step('sign out returns to the sign-in page', async () => {
        await page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }).click();
        await expectSignInPage(page);
        await expect(page.getByText('You have signed out').first()).toBeVisible();
      });
      await expectNoA11yViolations(page);

      await test.step('once signed out, / asks to sign in again', async () => {
        await page.goto('/');
        await expectSignInPage(page);
      });
    });
  }
});

// Last, so that a sign-in throttle counting failures cannot affect the
// journeys above.
test('a wrong password shows an error summary and keeps the email address', async ({ page }) => {
  const email = emailFor('social_worker');
  await page.goto('/sign-in');
  await signIn(page, email, 'not-the-password');

  await expectSignInPage(page);
  const summary = page.locator('.nhsuk-error-summary').getByRole('alert');
  await expect(summary).toContainText('Email address or password is not right');
  await expect(page.getByLabel('Email address', { exact: true })).toHaveValue(email);
  await expectNoA11yViolations(page);
});
