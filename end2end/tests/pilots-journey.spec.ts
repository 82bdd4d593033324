import { expect, test } from './site';
// Runs in the desktop project only (see playwright.config.ts): it turns the demo's last award
// into a pilot, which can happen once per database.
import { expectAccessible, live, signInAs, snap } from './helpers';

const BOOKING = '/challenges/dat-lich-hen-truoc-khi-den-lam-thu-tuc/results';

/** A date field's value `days` from today in city time (UTC+7). */
function cityDay(days: number): string {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

// A 1×1 PNG, as a phone would send a photo.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

test('staff make a pilot from a winning entry; a milestone goes late in public; the team posts an update; a citizen follows, comments and rates', async ({ page }, info) => {
  // Staff turn the third award into a pilot that started ten days ago.
  await signInAs(page, 'canbo@vidan.local');
  await page.goto(BOOKING);
  await page.getByRole('link', { name: 'Đưa vào thí điểm' }).click();
  await expect(page.getByRole('heading', { name: 'Đưa bài đạt giải vào thí điểm' })).toBeVisible();
  await live(page);
  await page.getByLabel('Tên thí điểm').fill('Ứng dụng đặt lịch cho quầy hộ tịch');
  await page.getByLabel('Chức vụ').fill('Phó Giám đốc Trung tâm');
  await page.getByLabel('Ngày bắt đầu').fill(cityDay(-10));
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Tạo thí điểm' }).click();
  await expect(page.getByRole('heading', { name: 'Quản lý thí điểm', level: 1 })).toBeVisible();
  await live(page);

  // Two milestones: the team's was due ten days ago (past any run of days off, Tết included),
  // so it is late the moment it exists.
  await page.getByLabel('Tên mốc').fill('Cài ứng dụng cho ba quầy hộ tịch');
  await page.getByLabel('Phụ trách').selectOption({ label: 'Đội Nhóm Đúng Giờ' });
  await page.getByLabel('Hạn', { exact: true }).fill(cityDay(-10));
  await page.getByRole('button', { name: 'Thêm mốc' }).click();
  await expect(page.getByText(/Trễ \d+ ngày/)).toBeVisible();
  await page.getByLabel('Tên mốc').fill('Báo cáo sau một tháng');
  await page.getByLabel('Phụ trách').selectOption({ label: 'Nguyễn Thị Hoa' });
  await page.getByLabel('Hạn', { exact: true }).fill(cityDay(20));
  await page.getByRole('button', { name: 'Thêm mốc' }).click();
  await expect(page.getByText('Báo cáo sau một tháng')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'pilot-manage');
  const pilotUrl = page.url().replace(/\/manage$/, '');

  // In public: late on the pilot's page and on the city's dashboard.
  await page.goto(pilotUrl);
  const late = page.locator('.milestone', { hasText: 'Cài ứng dụng cho ba quầy hộ tịch' });
  await expect(late.getByText(/Trễ \d+ ngày/)).toBeVisible();
  await expect(page.getByText('1 mốc đang trễ hạn')).toBeVisible();
  await page.goto('/dashboard');
  await expect(page.locator('.overdue li', { hasText: 'Cài ứng dụng cho ba quầy hộ tịch' })).toContainText(/Trễ \d+ ngày/);

  // The team posts an update with a photo and marks its milestone done: finished late.
  await signInAs(page, 'vy@vidan.local');
  await page.goto(pilotUrl);
  await live(page);
  await page.getByText('Đăng cập nhật thay mặt đội').click();
  await page.getByLabel('Nội dung cập nhật').fill('Đã cài xong ứng dụng ở quầy 1 và 2; quầy 3 chờ máy tính mới.');
  await page.getByLabel('Ảnh (không bắt buộc)').setInputFiles({ name: 'quay-1.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: 'Đăng cập nhật' }).click();
  await expect(page.getByText('Đã cài xong ứng dụng ở quầy 1 và 2')).toBeVisible();
  await expect(page.locator('.photo-grid img')).toHaveCount(1);
  await live(page);
  const milestone = page.locator('.milestone', { hasText: 'Cài ứng dụng cho ba quầy hộ tịch' });
  await milestone.getByText('Cập nhật trạng thái').click();
  await milestone.getByLabel('Trạng thái mới').selectOption({ label: 'Đã xong' });
  await milestone.getByRole('button', { name: 'Lưu trạng thái' }).click();
  await expect(milestone.getByText('Khi báo xong, hãy kèm minh chứng')).toBeVisible();
  await milestone.getByLabel('Mô tả minh chứng').fill('Ảnh ba quầy đã cài ứng dụng, có xác nhận của tổ trưởng.');
  await milestone.getByRole('button', { name: 'Lưu trạng thái' }).click();
  await expect(page.locator('.milestone', { hasText: 'Cài ứng dụng cho ba quầy hộ tịch' }).getByText('Xong trễ hạn')).toBeVisible();

  // A citizen follows, comments on the update and rates the service.
  await signInAs(page, 'dan@vidan.local');
  await page.goto(pilotUrl);
  await live(page);
  await page.getByRole('button', { name: 'Theo dõi thí điểm' }).click();
  await expect(page.getByRole('button', { name: 'Bỏ theo dõi' })).toBeVisible();
  await expect(page.getByText('1 người theo dõi')).toBeVisible();
  await page.getByLabel('Bình luận của bạn').fill('Quầy 1 hôm nay làm rất nhanh, cảm ơn đội.');
  await page.getByRole('button', { name: 'Gửi bình luận' }).click();
  await expect(page.locator('.comment', { hasText: 'Quầy 1 hôm nay làm rất nhanh' })).toBeVisible();
  await page.getByRole('radio', { name: '4 sao' }).check();
  await page.getByLabel('Nhận xét (không bắt buộc)').fill('Đặt được lịch, nhưng chữ trong ứng dụng hơi nhỏ.');
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await expect(page.getByText('1 lượt đánh giá')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'pilot-citizen');
});
