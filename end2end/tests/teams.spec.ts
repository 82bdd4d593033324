import { expect, test } from '@playwright/test';
import { expectAccessible, signInAs, snap } from './helpers';

test('a team owner forms a team from the challenge page and a member joins with its code', async ({ page }, info) => {
  // Each project enters a different demo challenge: one person is in one team per challenge.
  const challenge = info.project.name === 'desktop'
    ? 'Rút ngắn thời gian chờ ở bộ phận một cửa'
    : 'Theo dõi hồ sơ đất đai trên điện thoại';
  const name = `Nhóm Sen Hồng ${info.project.name}`;

  await signInAs(page, 'doi@vidan.local');
  await page.goto('/challenges');
  await page.getByRole('link', { name: challenge }).click();
  await page.getByRole('link', { name: 'Lập đội dự thi' }).click();
  await expect(page.getByRole('heading', { name: 'Lập đội dự thi', level: 1 })).toBeVisible();
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Tên đội').fill(name);
  await page.getByLabel('Doanh nghiệp hoặc trường (không bắt buộc)').fill('Trường ĐH Tây Ninh');
  await page.getByLabel('Liên hệ của đội').fill('0909');
  await page.getByRole('button', { name: 'Lập đội' }).click();
  await expect(page.getByText('Cần ít nhất 5 ký tự.')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Liên hệ của đội').fill('0909 123 456');
  await page.getByRole('button', { name: 'Lập đội' }).click();
  await expect(page).toHaveURL(/\/teams\/\d+$/);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  const code = (await page.locator('.join-code-value code').innerText()).trim();
  expect(code).toMatch(/^[A-Z2-9]{8}$/);
  await expectAccessible(page);
  await snap(page, info, 'team');

  await signInAs(page, 'dan@vidan.local');
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Đội của tôi' }).click();
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Mã tham gia').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Vào đội' }).click();
  await expect(page).toHaveURL(/\/teams\/\d+$/);
  await expect(page.getByText('2/5 thành viên')).toBeVisible();
  await page.goto('/teams');
  await expect(page.getByRole('link', { name })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'my-teams');
});
