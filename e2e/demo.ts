// What every browser spec shares: the demo's accounts, signing in and out,
// and a test that fails on any script or console error.
//
// The demo gives every role one account, <role code with - for _>@demo.joinedup.test,
// all with the same password.
import { test as base, expect, type Page } from '@playwright/test';

export { expect };

export const demoPassword = 'demo-password';

export const emailFor = (role: string) => `${role.replaceAll('_', '-')}@demo.joinedup.test`;

// test fails on a script error or a console error, which is how a Content
// Security Policy violation (an inline script, a blocked asset) or a
// missing asset shows itself. The one resource allowed to fail is the page
// itself when the test asked for an error on purpose: a 404 page, a refused
// record, or the 401 of a wrong password.
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const where = msg.location().url;
        if (msg.text().startsWith('Failed to load resource') && where === page.url()) return;
        errors.push(`${msg.text()} (${where})`);
      });
      await use(errors);
      expect(errors, 'errors in the browser console').toEqual([]);
    },
    { auto: true },
  ],
});

// signIn fills in and sends the sign-in form already on the page.
export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

// signInAs signs in as the demo user holding role and waits for the home page.
export async function signInAs(page: Page, role: string) {
  await page.goto('/sign-in');
  await signIn(page, emailFor(role), demoPassword);
  await expect(page).toHaveURL('/');
}

export async function signOut(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }).click();
}
