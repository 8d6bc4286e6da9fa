// Browser tests: Playwright drives Debian's Chromium (never a browser it
// downloads) against `joinedup demo`, started afresh on an empty demo
// database for every run. ./scripts/test builds bin/joinedup first.
import { execFileSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';

// portProbe asks the system for a free port (PORT unset), or checks that
// PORT is free, and prints the port; it exits 1 when PORT is taken. It runs
// in a child process because the configuration is read synchronously.
const portProbe = `
const server = require('node:net').createServer();
server.once('error', () => process.exit(1));
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(String(server.address().port));
  server.close();
});`;

// demoPort is the port the demo serves the tests on: E2E_PORT when it is
// set (and free), otherwise a free port chosen once. Playwright reads this
// file again in each worker process, once the demo is listening; the
// workers inherit the environment, so E2E_PORT_CHOSEN tells them the port
// is the one this run already chose.
function demoPort(): number {
  const asked = process.env.E2E_PORT;
  if (asked && asked === process.env.E2E_PORT_CHOSEN) {
    return Number(asked);
  }
  if (asked && !/^[0-9]+$/.test(asked)) {
    throw new Error(`E2E_PORT=${asked} is not a port number.`);
  }
  let port: string;
  try {
    port = execFileSync(process.execPath, ['-e', portProbe], { env: { PORT: asked ?? '' }, encoding: 'utf8' });
  } catch (err) {
    if (!asked) throw err;
    throw new Error(
      `E2E_PORT=${asked}: something is already listening on 127.0.0.1:${asked} (a demo left running?). ` +
        'Stop it, choose another E2E_PORT, or unset E2E_PORT to let the tests pick a free port.',
    );
  }
  process.env.E2E_PORT = process.env.E2E_PORT_CHOSEN = port;
  return Number(port);
}

const port = demoPort();
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
  // Each journey runs axe on every page it visits, which takes seconds on a
  // busy two-core machine: generous limits keep a slow machine from
  // failing a journey that works.
  timeout: 300_000,
  expect: { timeout: 15_000 },
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
