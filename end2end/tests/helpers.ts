import AxeBuilder from '@axe-core/playwright';
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
  await expect(page).toHaveURL(/\/$/);
}

/** A `datetime-local` value `days` from now, in city time (UTC+7). */
export function cityDate(days: number): string {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 16);
}
