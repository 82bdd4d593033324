import { expect, test } from './site';
import { expectAccessible, live, signInAs, snap } from './helpers';

test('a citizen reads which days the answers do not count: Tết from the lunar calendar', async ({ page }, info) => {
  await page.goto('/');
  await page.getByRole('contentinfo').getByRole('link', { name: 'Lịch làm việc' }).click();
  await expect(page).toHaveURL(/\/calendar$/);
  const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
  await expect(page.getByRole('heading', { level: 1, name: `Lịch ngày làm việc năm ${year}` })).toBeVisible();
  await page.goto('/calendar?year=2027');
  const tet = page.getByRole('row').filter({ hasText: 'Tết Nguyên đán' });
  await expect(tet).toHaveCount(5);
  await expect(tet.first()).toContainText('05/02/2027');
  await expect(page.getByRole('row').filter({ hasText: '10/02/2027' })).toContainText('Nghỉ bù');
  await expect(page.getByRole('row').filter({ hasText: '16/04/2027' })).toContainText('Giỗ Tổ Hùng Vương');
  // Nothing to enter for a citizen.
  await expect(page.getByLabel('Ngày nghỉ thêm')).toHaveCount(0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow).toBe(false);
  await expectAccessible(page);
  await snap(page, info, 'calendar');
});

test("an administrator enters the year's decision, and a wrong date is named", async ({ page }, info) => {
  // Each project enters a year of its own: the two may share a server.
  const year = info.project.name === 'phone' ? 2032 : 2031;
  await signInAs(page, 'admin@vidan.local');
  await page.goto(`/calendar?year=${year}`);
  await live(page);
  await expect(page.getByText('Chưa nhập quyết định nghỉ lễ, Tết của năm này')).toBeVisible();
  await page.getByLabel('Văn bản quyết định').fill(`Thông báo số 77/TB-BNV về lịch nghỉ năm ${year}`);
  await page.getByLabel('Ngày nghỉ thêm').fill(`02/01/${year}\n31/02/${year}`);
  await page.getByRole('button', { name: 'Lưu lịch' }).click();
  await expect(page.getByText(`“31/02/${year}” không phải một ngày dạng ngày/tháng/năm.`)).toBeVisible();
  // What was typed is kept: only the wrong line is mended.
  await expect(page.getByLabel('Văn bản quyết định')).toHaveValue(`Thông báo số 77/TB-BNV về lịch nghỉ năm ${year}`);
  await page.getByLabel('Ngày nghỉ thêm').fill(`02/01/${year}`);
  await page.getByRole('button', { name: 'Lưu lịch' }).click();
  await expect(page.getByText('Đã lưu lịch của năm.')).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: `02/01/${year}` })).toContainText('Nghỉ theo quyết định của năm');
  await expect(page.getByRole('heading', { name: 'Quyết định của năm', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sửa quyết định của năm' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'calendar-admin');
});
