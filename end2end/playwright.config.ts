import { defineConfig, devices } from '@playwright/test';

import { binary, serverEnv, site } from './server';

// The journeys' servers are the workers' own (tests/site.ts); this one is the server behind nginx.
const port = Number(process.env.E2E_PORT || 3100);
// The same server through the nginx site in deploy/ (TLS, HTTP/2), as a city deploys it.
const nginxPort = Number(process.env.E2E_NGINX_PORT || 3443);

const chromium = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
};

export default defineConfig({
  testDir: './tests',
  // Two workers, each with its own server and data (tests/site.ts): a file's tests run in order,
  // two files at a time.
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS || 2),
  retries: 0,
  reporter: [['list']],
  // A journey is a whole visit (several people, sign-ins, every page checked for accessibility):
  // the longest take close to a minute on two loaded cores. The limit is there to stop a hung
  // journey, not to time one: speed is measured by `make bench`.
  timeout: 180_000,
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
    command: `rm -rf ${site}/e2e-nginx-server && mkdir -p ${site}/e2e-nginx-server && exec ${binary}`,
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: serverEnv(port, `${site}/e2e-nginx-server`),
  }, {
    command: 'exec nginx/serve.sh',
    url: `https://localhost:${nginxPort}/health`,
    ignoreHTTPSErrors: true,
    reuseExistingServer: false,
    timeout: 30_000,
    env: { E2E_PORT: String(port), E2E_NGINX_PORT: String(nginxPort) },
  }],
});
