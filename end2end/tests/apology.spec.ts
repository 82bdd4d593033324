import { expect, test } from './site';
import { expectAccessible, live, signInAs, snap } from './helpers';

// The demo's reports that the desks of canbo@vidan.local answered late and have not apologised for.
const LATE = ['Hồ sơ đăng ký hộ kinh doanh quá hẹn trả kết quả', 'Hẻm 12 ngập nước mỗi khi mưa lớn'];

/** `YYYY-MM-DD`, `days` from today in city time. */
function cityDay(days: number): string {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

test('a missed deadline gets its public apology and a new date, and citizens see both dates', async ({ page }, info) => {
  test.slow();
  // A citizen reads one the ward already apologised for: both dates, and why.
  await page.goto('/reports');
  await page.getByRole('link', { name: 'Gọi đường dây nóng của phường không ai nghe máy' }).click();
  await expect(page.getByRole('heading', { name: 'Phiếu xin lỗi và hẹn lại' })).toBeVisible();
  await expect(page.getByText('Hẹn trả lời lại')).toBeVisible();
  await expect(page.getByText('Tổng đài của phường đang được thay thiết bị')).toBeVisible();
  await expect(page.getByText('Quá hạn').first()).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'apology-public');

  // The officer opens a late report of her desks that has no apology yet (the other project of
  // this worker may have answered one of the two).
  await signInAs(page, 'canbo@vidan.local');
  const form = page.getByRole('region', { name: 'Trễ hạn: xin lỗi và hẹn lại' });
  let found = false;
  for (const title of LATE) {
    await page.goto('/staff');
    await page.getByRole('link', { name: title }).first().click();
    await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
    if (await form.count()) {
      found = true;
      break;
    }
  }
  expect(found, 'a late report to apologise for').toBe(true);
  await live(page);
  const reason = `Phải chờ ý kiến của Sở Xây dựng về cống thoát nước (${info.project.name}).`;
  await form.getByLabel('Lý do trễ hạn').fill(reason);
  // Today cannot be the new date: refused in words, the reason stays.
  await form.getByLabel('Ngày hẹn trả lời mới').fill(cityDay(0));
  await form.getByRole('button', { name: 'Đăng phiếu xin lỗi và hẹn lại' }).click();
  await expect(form.getByText('Ngày hẹn phải sau hôm nay.')).toBeVisible();
  await expect(form.getByLabel('Lý do trễ hạn')).toHaveValue(reason);
  await expectAccessible(page);
  await snap(page, info, 'apology-error');
  // A day off is refused too: the next days are tried until one is a working day.
  const published = page.getByRole('heading', { name: 'Phiếu xin lỗi và hẹn lại' });
  for (let days = 2; days < 14; days++) {
    await form.getByLabel('Ngày hẹn trả lời mới').fill(cityDay(days));
    // Each try waits for its own answer (a refusal left from the last one says nothing).
    const answered = page.waitForResponse((r) => r.url().includes('/api/reports/apologise'));
    await form.getByRole('button', { name: 'Đăng phiếu xin lỗi và hẹn lại' }).click();
    if ((await answered).ok()) break;
    await expect(form.getByText('Ngày này là ngày nghỉ. Hãy chọn một ngày làm việc.')).toBeVisible();
  }
  await expect(published).toBeVisible();
  await expect(page.getByText(reason)).toBeVisible();
  await expect(page.getByText('Hẹn trả lời lại')).toBeVisible();
  await expect(form).toHaveCount(0);
  await expectAccessible(page);
  await snap(page, info, 'apology-published');

  // Anyone sees it, with both dates.
  const url = page.url();
  await page.context().clearCookies();
  await page.goto(url);
  await expect(page.getByText(reason)).toBeVisible();
  await expect(page.getByText('Hạn trả lời', { exact: true })).toBeVisible();
  await expect(page.getByText('Hẹn trả lời lại')).toBeVisible();
});
