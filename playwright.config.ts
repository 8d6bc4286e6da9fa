// Browser tests: Playwright drives Debian's Chromium (never a browser it
// downloads) against `joinedup demo`, started afresh on an empty demo
// database for every run. ./scripts/test builds bin/joinedup first.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT || 18080);
const baseURL = `http://127.0.0.1:${port}`;
const db = 'e2e/.tmp/demo.db';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command:
      'test -x bin/joinedup || { echo "bin/joinedup is missing: run go build -o bin/joinedup ./cmd/joinedup" >&2; exit 1; }; ' +
      `rm -f ${db} ${db}-wal ${db}-shm && mkdir -p e2e/.tmp && ` +
      `exec bin/joinedup demo --addr 127.0.0.1:${port} --db ${db}`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
