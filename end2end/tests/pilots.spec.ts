import { expect, test } from './site';
import { expectAccessible, live, signInAs, snap, mainMenu } from './helpers';

const PILOT = 'Đặt lịch hẹn qua tin nhắn ở Trung tâm Phục vụ hành chính công';

test('a visitor follows a pilot milestone by milestone and reads the city’s dashboard', async ({ page }, info) => {
  // The pages' policy refuses inline styles: nothing on them may need one (a bar drawn with
  // `style="width: …"` stays empty, and the browser says so in the console).
  const refused: string[] = [];
  page.on('console', (m) => m.type() === 'error' && m.text().includes('Content Security Policy') && refused.push(m.text()));
  await page.goto('/');
  await (await mainMenu(page)).getByRole('link', { name: 'Thí điểm' }).click();
  await expect(page.getByRole('heading', { name: 'Thí điểm', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Phiếu hẹn in sẵn cho ngày hôm sau' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'pilots');
  await page.getByRole('link', { name: PILOT }).click();
  await expect(page.getByRole('heading', { name: PILOT, level: 1 })).toBeVisible();
  // Late now, finished late, and a due date moved with its reason beside the first date.
  await expect(page.locator('.milestone', { hasText: 'Báo cáo giữa kỳ' }).getByText(/Trễ \d+ ngày/)).toBeVisible();
  await expect(page.locator('.milestone', { hasText: 'Kết nối tổng đài' }).getByText('Xong trễ hạn')).toBeVisible();
  await expect(page.locator('.milestone', { hasText: 'Mở rộng sang thủ tục đất đai' })).toContainText('Sở Tài nguyên và Môi trường');
  await expect(page.getByRole('img', { name: 'Thời gian chờ trung bình ở bộ phận một cửa' })).toBeVisible();
  await expect(page.getByText('Bình luận đã bị ẩn. Lý do: Quảng cáo')).toBeVisible();
  const done = await page.getByRole('progressbar').first().getAttribute('aria-valuenow');
  expect(Number(done)).toBeGreaterThan(0);
  await expect(page.getByRole('progressbar').first().locator('rect')).toHaveAttribute('width', done!);
  await expectAccessible(page);
  await snap(page, info, 'pilot');

  await page.goto('/dashboard');
  await expect(page.getByRole('heading', { name: 'Bảng theo dõi cam kết' })).toBeVisible();
  await expect(page.locator('.overdue li', { hasText: 'Báo cáo giữa kỳ' })).toContainText(/Trễ \d+ ngày/);
  await expect(page.getByRole('img', { name: 'Mốc hoàn thành đúng hạn theo đơn vị' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'dashboard');
  expect(refused).toEqual([]);
});

test('a citizen changes their rating of a pilot', async ({ page }) => {
  await signInAs(page, 'tuan@vidan.local');
  await page.goto('/pilots');
  await page.getByRole('link', { name: PILOT }).click();
  await expect(page.getByRole('group', { name: 'Đổi đánh giá của bạn' })).toBeVisible();
  await live(page);
  await page.getByRole('radio', { name: '5 sao' }).check();
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(page.getByText('Đã lưu đánh giá của bạn.')).toBeVisible();
  // Still four ratings: Tuấn's changed, none added.
  await expect(page.getByText('4 lượt đánh giá')).toBeVisible();
});
