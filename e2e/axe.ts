// Accessibility check for the browser tests: axe-core run in the page,
// limited to the WCAG 2.2 AA rules the product promises to meet.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// expectNoA11yViolations fails the test with one line per violation (rule
// id, what it asks for, and the selectors of the offending elements), which
// says more in a CI log than a bare count.
// The step is boxed so that a failure points at the caller's line.
export async function expectNoA11yViolations(page: Page): Promise<void> {
  await test.step(
    `no accessibility violations on ${new URL(page.url()).pathname}`,
    async () => {
      const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
      const lines = results.violations.map((v) => {
        const targets = v.nodes.map((n) => n.target.join(' ')).join(', ');
        return `- ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help} [${targets}]`;
      });
      expect(lines, `axe found accessibility violations on ${page.url()}:\n${lines.join('\n')}`).toEqual([]);
    },
    { box: true },
  );
}
