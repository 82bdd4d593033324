import { expect, test } from '@playwright/test';
import { live, signInAs } from './helpers';

// The whole site as a city deploys it: the server behind deploy/nginx/vidan.conf, over TLS and
// HTTP/2 (nginx/serve.sh makes the certificate and runs Debian's nginx).
const HOTLINE_ENTRIES = '/challenges/tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang/entries';

test('through the deployed nginx: HTTP/2, HSTS, request ids, and a vote’s live totals as they come', async ({ page, browser }, info) => {
  const home = await page.goto('/');
  expect(home!.status()).toBe(200);
  expect(home!.headers()['strict-transport-security']).toContain('max-age=31536000');
  // nginx's own id for the request is the one the server logs and answers with.
  expect(home!.headers()['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  const protocol = await page.evaluate(
    () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
  );
  expect(protocol).toBe('h2');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  // Someone watches a vote, not signed in; the live totals come through nginx unbuffered.
  await page.goto(HOTLINE_ENTRIES);
  await live(page);

  // A citizen votes in another browser.
  const other = await browser.newContext({ baseURL: info.project.use.baseURL, ignoreHTTPSErrors: true, locale: 'vi-VN' });
  const voter = await other.newPage();
  await signInAs(voter, 'phuc@vidan.local');
  await voter.goto(HOTLINE_ENTRIES);
  const open = voter.getByRole('article').filter({ has: voter.getByRole('button', { name: /^Bình chọn cho “/ }) }).first();
  const title = (await open.getByRole('heading').first().innerText()).trim();
  const count = page.getByRole('article', { name: title }).locator('.vote-count');
  const before = Number((await count.innerText()).replace(/\D/g, ''));
  await open.getByRole('button', { name: `Bình chọn cho “${title}”` }).click();
  await expect(voter.getByRole('article', { name: title }).getByRole('button', { name: `Đã bình chọn “${title}” — bấm để rút phiếu` })).toBeVisible();
  await other.close();
  // The watcher's page counts it without a reload.
  await expect(count).toHaveText(`${before + 1} phiếu`);
});
