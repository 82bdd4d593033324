import { expect, test } from './site';
import { expectAccessible, signInAs, snap } from './helpers';

const HOTLINE = 'Tiếp nhận phản ánh qua điện thoại cho người không dùng mạng';

test('published results and a team’s feedback read well on a phone', async ({ page }, info) => {
  await page.goto('/challenges/dat-lich-hen-truoc-khi-den-lam-thu-tuc/results');
  await expect(page.getByRole('heading', { name: 'Kết quả: Đặt lịch hẹn trước khi đến làm thủ tục' })).toBeVisible();
  await expect(page.getByText('Giải nhất').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Cách tính điểm' })).toBeVisible();
  await expect(page).toHaveTitle(/Kết quả: Đặt lịch hẹn/);
  await expect(page.getByRole('heading', { name: 'Giải do người dân bình chọn' })).toBeVisible();
  await expect(page.getByText('7 người bình chọn, 7 phiếu được tính.')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'results-published');

  await signInAs(page, 'mai@vidan.local');
  await page.goto('/teams');
  await page.getByRole('link', { name: 'Sen Hồng Lab' }).click();
  await expect(page.getByRole('heading', { name: 'Nhận xét của ban giám khảo' })).toBeVisible();
  await expect(page.getByText('Ai cũng có điện thoại bấm phím.')).toBeVisible();
  await expect(page.getByText('Nên đo thời gian chờ trước và sau khi thí điểm.')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'team-feedback');

  // A judge's score sheet on the same screen.
  await signInAs(page, 'hang@vidan.local');
  await page.goto('/judging');
  await page.getByRole('link', { name: HOTLINE }).click();
  await page.locator('.queue-item a').first().click();
  await expect(page.getByRole('heading', { name: 'Điểm của bạn' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'judging-sheet-hang');
});
