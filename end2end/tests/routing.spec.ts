import { expect, test } from './site';
import { expectAccessible, live, signInAs, snap } from './helpers';

test('a report sent to the wrong office is forwarded with a public reason, and staff there mark it urgent', async ({ page }, info) => {
  test.slow();
  const tag = `${info.project.name} ${Date.now() % 100000}`;
  const title = `Đổi giấy phép lái xe trước chuyến công tác ${tag}`;

  // A citizen files it with Phường 1, though the Centre issues driving licences.
  await signInAs(page, 'dan@vidan.local');
  await page.goto('/reports/new');
  await live(page);
  await page.getByLabel('Phường, xã, đơn vị').selectOption({ label: 'Phường 1' });
  await page.getByLabel('Lĩnh vực').selectOption({ label: 'Thủ tục hành chính' });
  await page.getByLabel('Vấn đề bạn gặp').fill(title);
  await page.getByLabel('Mô tả').fill('Giấy phép lái xe của tôi hết hạn tuần sau, tuần tới tôi phải lái xe đi công tác; phường không nhận hồ sơ đổi.');
  await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
  await expect(page).toHaveURL(/\/reports\/\d+$/);
  const reportUrl = page.url();

  // The ward's officer forwards it: a reason is asked for first, nothing is lost.
  await signInAs(page, 'canbo@vidan.local');
  await page.goto(reportUrl);
  await live(page);
  const routing = page.getByRole('region', { name: 'Mức độ khẩn và nơi xử lý' });
  await expect(routing).toBeVisible();
  await routing.getByLabel('Cơ quan nhận').selectOption({ label: 'Trung tâm Phục vụ hành chính công' });
  await routing.getByLabel('Lý do chuyển (công khai)').fill('Sai');
  await routing.getByRole('button', { name: 'Chuyển phản ánh' }).click();
  await expect(routing.getByText('Cần ít nhất 10 ký tự.')).toBeVisible();
  await expect(routing.getByLabel('Cơ quan nhận')).toHaveValue(/\d+/);
  await expectAccessible(page);
  await snap(page, info, 'forward-error');
  const reason = 'Cấp đổi giấy phép lái xe do Trung tâm Phục vụ hành chính công tiếp nhận.';
  await routing.getByLabel('Lý do chuyển (công khai)').fill(reason);
  await routing.getByRole('button', { name: 'Chuyển phản ánh' }).click();

  // Anyone reads where it went, why, and how its deadline is counted now.
  const forwarded = page.getByRole('region', { name: 'Chuyển đúng nơi xử lý' });
  await expect(forwarded).toBeVisible();
  await expect(forwarded.getByText(reason)).toBeVisible();
  await expect(forwarded.getByText('Chuyển đúng hạn')).toBeVisible();
  await expect(page.locator('.eyebrow').first()).toContainText('Trung tâm Phục vụ hành chính công');
  await page.context().clearCookies();
  await page.goto(reportUrl);
  await expect(page.getByText('Cách tính thời hạn khi chuyển').first()).toBeVisible();
  await expect(page.getByText(reason)).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'forwarded');

  // The Centre's officer (the same person serves both desks) marks it urgent: its deadline is
  // counted in office hours.
  await signInAs(page, 'canbo@vidan.local');
  await page.goto(reportUrl);
  await live(page);
  await page.getByRole('button', { name: 'Đánh dấu khẩn' }).click();
  await expect(page.getByText('Khẩn', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: /tính theo giờ làm việc/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Bỏ đánh dấu khẩn' })).toBeVisible();
  await expectAccessible(page);
});
