import { defineConfig, devices } from '@playwright/test';

// The server cargo-leptos built, on a fresh SQLite file with demo data, on its own port.
// The binary lives in cargo's target dir (which may be shared); the site files in ../target/site.
const target = process.env.CARGO_TARGET_DIR || '../target';
const site = '../target';
const port = Number(process.env.E2E_PORT || 3100);
// The same server through the nginx site in deploy/ (TLS, HTTP/2), as a city deploys it.
const nginxPort = Number(process.env.E2E_NGINX_PORT || 3443);

const chromium = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'desktop', testIgnore: /through-nginx\.spec\.ts/, use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 900 }, launchOptions: chromium } },
    { name: 'phone', testIgnore: /((judging|pilots)-journey|blind-judging|through-nginx)\.spec\.ts/, use: { ...devices['Pixel 5'], viewport: { width: 360, height: 740 }, launchOptions: chromium } },
    {
      name: 'nginx',
      testMatch: /through-nginx\.spec\.ts/,
      use: {
        ...devices['Desktop Chrome'],
        baseURL: `https://localhost:${nginxPort}`,
        // The certificate is made for the run, by nobody browsers know.
        ignoreHTTPSErrors: true,
        launchOptions: chromium,
      },
    },
  ],
  webServer: [{
    command: `rm -rf ${site}/e2e && mkdir -p ${site}/e2e && exec ${target}/debug/vidan`,
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      VIDAN_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${site}/e2e/vidan.db?mode=rwc`,
      // Stored files' bytes beside the database, made anew each run (never in the source tree).
      VIDAN_FILES_DIR: `${site}/e2e/files`,
      LEPTOS_SITE_ROOT: `${site}/site`,
      // The demo accounts and the development mailbox (which shows the codes) are asked for.
      VIDAN_ENV: 'development',
      VIDAN_DEMO_DATA: 'true',
      // Journeys check what one person changed from another's point of view straight away;
      // the anonymous page cache (integration-tested in server/tests/site.rs) would hold it back.
      VIDAN_PAGE_CACHE_MS: '0',
      // Behind nginx (the last project): the address and request id it gives are taken.
      VIDAN_TRUST_PROXY: 'true',
      RUST_LOG: 'warn',
    },
  }, {
    command: 'exec nginx/serve.sh',
    url: `https://localhost:${nginxPort}/health`,
    ignoreHTTPSErrors: true,
    reuseExistingServer: false,
    timeout: 30_000,
    env: { E2E_PORT: String(port), E2E_NGINX_PORT: String(nginxPort) },
  }],
});
