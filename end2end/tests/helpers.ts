import AxeBuilder from '@axe-core/playwright';
import { createHmac } from 'node:crypto';
import { expect, type Page, type TestInfo } from '@playwright/test';

/** Fails on any serious or critical accessibility violation of the page as it is now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Keeps a screenshot per project for people to look at (end2end/screenshots). */
export async function snap(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: `screenshots/${info.project.name}-${name}.png`, fullPage: true });
}

/** The newest one-time code (eight digits) the development mailbox shows for `email`. */
export async function codeFor(page: Page, email: string): Promise<string> {
  await page.goto('/dev/mailbox');
  const mail = page.locator('article.mail', { has: page.locator('.mail-to', { hasText: email }) }).first();
  await expect(mail).toBeVisible();
  const body = await mail.locator('.mail-body').innerText();
  const code = body.match(/\b\d{8}\b/)?.[0];
  expect(code, `a code in: ${body}`).toBeTruthy();
  return code!;
}

export const PASSWORD = 'hoa sen nở giữa hè';

export const DEMO_PASSWORD = 'vidan-demo-2026';

/** Signs in a demo account (after clearing any other session). */
export async function signInAs(page: Page, email: string) {
  await page.context().clearCookies();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/(sign-in\/code\?.*)?$/);
  if (page.url().includes('/sign-in/code')) await secondStep(page);
  await expect(page).toHaveURL(/\/$/);
}

/**
 * The second step of a demo official's sign-in: the demo site shows the code their app would
 * show. When this moment's code was just used (the same official signed in a moment ago), the
 * page says so; a few seconds later the next one is shown.
 */
export async function secondStep(page: Page) {
  const hint = page.locator('[data-demo-code]');
  for (let i = 0; i < 12 && (await hint.count()) === 0; i++) {
    await page.waitForTimeout(5_000);
    await page.reload();
  }
  const code = await hint.getAttribute('data-demo-code');
  await page.getByLabel('Mã 6 số hoặc mã dự phòng').fill(code!);
  await page.getByRole('button', { name: 'Xác nhận và đăng nhập' }).click();
}

/** A `datetime-local` value `days` from now, in city time (UTC+7). */
export function cityDate(days: number): string {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 16);
}

/** The code an authenticator app shows for a base32 `secret`, `ahead` steps of 30 s from now (RFC 6238). */
export function authenticatorCode(secret: string, ahead = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + ahead));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/** A valid one-page PDF showing `heading` (ASCII), as a slide tool would export it. */
export function onePagePdf(heading: string): Buffer {
  const page = `BT /F1 28 Tf 72 720 Td (${heading}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${page.length} >>\nstream\n${page}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/**
 * Waits until the page's code has made its islands live: a press after this is handled in
 * place, not sent as a plain form. A page with nothing to do in the browser has no islands and
 * loads no code: it is live as it comes.
 */
export async function live(page: Page) {
  await page.waitForLoadState('domcontentloaded');
  if ((await page.locator('leptos-island').count()) > 0) {
    await expect(page.locator('html[data-live]')).toHaveCount(1, { timeout: 30_000 });
  }
  await page.waitForLoadState('networkidle');
}

/** The site's main menu, opened first on a phone, where it folds away behind its button. */
export async function mainMenu(page: Page) {
  const nav = page.locator('nav#main-nav');
  const button = page.locator('label[for="nav-toggle"]');
  if (await button.isVisible()) {
    if (!(await nav.isVisible())) await button.click();
    await expect(nav).toBeVisible();
  }
  return nav;
}

/**
 * The 8-digit code in the newest text message to `phone` (the development SMS page shows what
 * would have been sent), read in a tab of its own; the message must say `says`.
 */
export async function textedCode(page: Page, phone: string, says: string | RegExp): Promise<string> {
  const texts = await page.context().newPage();
  await texts.goto('/dev/sms');
  const message = texts.locator('article.mail', { has: texts.locator('.mail-to', { hasText: phone }) }).first();
  await expect(message).toContainText(says);
  const code = (await message.locator('.mail-body').innerText()).match(/\b\d{8}\b/)?.[0];
  await texts.close();
  expect(code, `a code in the text to ${phone}`).toBeTruthy();
  return code!;
}
