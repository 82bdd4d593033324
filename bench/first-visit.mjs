// What a first visit to a page downloads, as Debian's Chromium fetches it: every response's
// bytes on the wire (compressed as the server sent them, headers included), until the network
// is quiet, with any error the page reported (a failed hydration shows there).
// Usage: node first-visit.mjs URL ENCODING (br or gzip) [COOKIE]; prints JSON. With COOKIE (a
// session's `name=value`), the visit is a signed-in person's first on this phone.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const [url, encoding, cookie] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({
  viewport: { width: 360, height: 740 },
  extraHTTPHeaders: { 'Accept-Encoding': encoding === 'gzip' ? 'gzip' : 'br, gzip' },
});
if (cookie) {
  const at = cookie.indexOf('=');
  await context.addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url }]);
}
const page = await context.newPage();
const responses = [];
page.on('requestfinished', async (request) => {
  const response = await request.response();
  const sizes = await request.sizes();
  responses.push({
    url: new URL(request.url()).pathname,
    status: response ? response.status() : 0,
    encoding: response ? (await response.allHeaders())['content-encoding'] || 'identity' : null,
    body: sizes.responseBodySize,
    headers: sizes.responseHeadersSize,
  });
});
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
await page.goto(url, { waitUntil: 'networkidle' });
await page.waitForTimeout(500);
await page.waitForLoadState('networkidle');
await browser.close();
const body = responses.reduce((n, r) => n + r.body, 0);
const headers = responses.reduce((n, r) => n + r.headers, 0);
console.log(JSON.stringify({ url, encoding, total: body + headers, body, headers, errors, responses }));
