import { expect, test } from './site';
import { expectAccessible, live, signInAs, snap } from './helpers';

test('staff answer a report in public; its author says the answer did not solve it, and it reopens with a new deadline', async ({ page }, info) => {
  test.slow();
  const tag = `${info.project.name} ${Date.now() % 100000}`;
  const title = `Đèn đường hẻm 12 tắt từ mười giờ đêm ${tag}`;

  // A citizen files it.
  await signInAs(page, 'dan@vidan.local');
  await page.goto('/reports/new');
  await live(page);
  await page.getByLabel('Phường, xã, đơn vị').selectOption({ label: 'Phường 1' });
  await page.getByLabel('Lĩnh vực').selectOption({ label: 'Thủ tục hành chính' });
  await page.getByLabel('Vấn đề bạn gặp').fill(title);
  await page.getByLabel('Mô tả').fill('Từ tuần trước, cả dãy đèn trong hẻm 12 tắt từ mười giờ đêm, người đi làm về muộn phải soi đèn điện thoại.');
  await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
  await expect(page).toHaveURL(/\/reports\/\d+$/);
  const reportUrl = page.url();

  // Staff of Phường 1 answer it in public.
  await signInAs(page, 'canbo@vidan.local');
  await page.goto(reportUrl);
  await live(page);
  await page.getByLabel('Trả lời công khai').fill('Phường đã báo điện lực thay bộ hẹn giờ; đèn sáng đến năm giờ sáng từ tối nay.');
  await page.getByRole('button', { name: 'Gửi trả lời' }).click();
  await expect(page.getByText('Đã trả lời').first()).toBeVisible();

  // Its author says it did not solve it: a reason is asked for, then it reopens.
  await signInAs(page, 'dan@vidan.local');
  await page.goto(reportUrl);
  await live(page);
  const rate = page.getByRole('region', { name: 'Câu trả lời đã giải quyết được việc của bạn chưa?' });
  await expect(rate).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'report-rate');
  await rate.getByLabel('Vì sao chưa được giải quyết?').fill('Chưa sửa');
  await rate.getByRole('button', { name: 'Chưa giải quyết, mở lại' }).click();
  await expect(rate.getByText('Cần ít nhất 10 ký tự.')).toBeVisible();
  await expect(rate.getByLabel('Vì sao chưa được giải quyết?')).toHaveValue('Chưa sửa');
  await rate.getByLabel('Vì sao chưa được giải quyết?').fill('Tối qua đèn vẫn tắt lúc mười giờ, chưa ai đến thay.');
  await rate.getByRole('button', { name: 'Chưa giải quyết, mở lại' }).click();
  await expect(page.getByText(/Mở lại lúc .* vì người gửi chưa hài lòng:/)).toBeVisible();
  await expect(rate).toHaveCount(0);
  await expect(page.getByText('Đã tiếp nhận').first()).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'report-reopened');

  // Everyone reads why it reopened.
  await page.context().clearCookies();
  await page.goto(reportUrl);
  await expect(page.getByText('Tối qua đèn vẫn tắt lúc mười giờ, chưa ai đến thay.')).toBeVisible();
  await expect(page.getByText('Câu trả lời trước (chưa giải quyết được việc)')).toBeVisible();
  await expect(page.getByText('Phường đã báo điện lực thay bộ hẹn giờ')).toBeVisible();
});
