import { expect, test } from './site';
import { expectAccessible, live, signInAs, snap } from './helpers';

/** `YYYY-MM-DD`, `days` from today in city time. */
function cityDay(days: number): string {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

test('the city publishes how it answers citizens, and leaders keep their commitments in public', async ({ page }, info) => {
  test.slow();
  // Anyone reads the wards' figures: on time, the trend month by month, what is overdue.
  await page.goto('/dashboard');
  await expect(page.getByRole('heading', { name: 'Trả lời phản ánh của người dân' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Tỷ lệ trả lời đúng hạn theo tháng (%)' })).toBeVisible();
  await expect(page.getByText(/trả lời đúng hạn \(\d+\/\d+ phản ánh đã rõ kết quả\)/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Phản ánh đang quá hạn (lâu nhất trước)' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Giữ lời đúng hạn theo cơ quan' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'dashboard-answers');

  // The commitments: one late after its date moved, with the reason in public.
  await page.getByRole('link', { name: 'Xem tất cả cam kết' }).click();
  await expect(page.getByRole('heading', { name: 'Cam kết của lãnh đạo', level: 1 })).toBeVisible();
  const late = page.locator('.commitment', { hasText: 'Báo tình trạng hồ sơ hộ kinh doanh bằng tin nhắn' });
  await expect(late.getByText(/Trễ \d+ ngày/)).toBeVisible();
  await expect(page.locator('.commitment', { hasText: 'Trả kết quả chứng thực bản sao trong ngày' }).getByText('Xong đúng hạn')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'commitments');
  await late.getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Các lần dời hạn' })).toBeVisible();
  await expect(page.getByText('Nhà mạng chưa duyệt mẫu tin nhắn')).toBeVisible();

  // A citizen follows it (each project as its own citizen).
  const citizen = info.project.name.includes('phone') ? 'mai@vidan.local' : 'tuan@vidan.local';
  const commitmentUrl = page.url();
  await signInAs(page, citizen);
  await page.goto(commitmentUrl);
  await live(page);
  const follow = page.getByRole('button', { name: /Theo dõi cam kết|Bỏ theo dõi/ });
  if ((await follow.textContent())?.includes('Bỏ theo dõi')) await follow.click();
  await page.getByRole('button', { name: 'Theo dõi cam kết' }).click();
  await expect(page.getByRole('button', { name: 'Bỏ theo dõi' })).toBeVisible();

  // An official publishes one: a past date is refused in place, nothing typed is lost.
  const title = `Mở quầy chứng thực buổi trưa (${info.project.name} ${Date.now() % 100000})`;
  await signInAs(page, 'canbo@vidan.local');
  await page.goto('/commitments/new');
  await live(page);
  await page.getByLabel('Đơn vị', { exact: true }).selectOption({ label: 'Phường 1' });
  await page.getByLabel('Cam kết điều gì').fill(title);
  await page.getByLabel('Nội dung cụ thể').fill('Từ tháng sau, quầy chứng thực mở cả giờ nghỉ trưa cho người đi làm.');
  await page.getByLabel('Chức vụ của bạn').fill('Phó Chủ tịch UBND Phường 1');
  await page.getByLabel('Hạn hoàn thành').fill(cityDay(-1));
  await page.getByRole('button', { name: 'Công bố' }).click();
  await expect(page.getByText('Hạn phải từ hôm nay trở đi.')).toBeVisible();
  await expect(page.getByLabel('Cam kết điều gì')).toHaveValue(title);
  await expectAccessible(page);
  await snap(page, info, 'commitment-error');
  await page.getByLabel('Hạn hoàn thành').fill(cityDay(20));
  await page.getByRole('button', { name: 'Công bố' }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await live(page);

  // Its date moves only with a reason; then it is kept.
  const manage = page.getByRole('region', { name: 'Cập nhật cam kết' });
  await manage.getByLabel('Hạn mới').fill(cityDay(30));
  await manage.getByLabel('Lý do dời hạn (công khai)').fill('Phường chờ bố trí thêm một cán bộ chứng thực.');
  await manage.getByRole('button', { name: 'Dời hạn' }).click();
  await expect(page.getByRole('heading', { name: 'Các lần dời hạn' })).toBeVisible();
  await manage.getByLabel('Đã làm được gì').fill('Quầy chứng thực đã mở từ 11 giờ 30 đến 13 giờ mỗi ngày làm việc.');
  await manage.getByRole('button', { name: 'Báo hoàn thành' }).click();
  await expect(page.getByText('Xong đúng hạn').first()).toBeVisible();
  await expect(manage).toHaveCount(0);
  await expectAccessible(page);
  await snap(page, info, 'commitment-kept');
});
