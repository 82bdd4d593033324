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

  // Anyone passes it on: a text message with its link, or the phone's own share sheet.
  await page.locator('details.share > summary').click();
  await expect(page.getByRole('link', { name: 'Gửi bằng tin nhắn' })).toHaveAttribute('href', /^sms:\?&body=.*%2Freports%2F\d+$/);
  await expect(page.getByLabel('Địa chỉ trang (chép để gửi)')).toHaveValue(new RegExp(`${reportUrl.replace(/[.?]/g, '\\$&')}$`));
  await expect(page.getByRole('button', { name: 'Chia sẻ qua Zalo, Messenger…' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'report-share');
});

test('a report is read aloud with the phone’s Vietnamese voice, and the page says when the phone has none', async ({ page }, info) => {
  // The phone's speech, as a phone with a Vietnamese voice offers it (recorded, not spoken).
  await page.addInitScript(() => {
    const w = window as any;
    w.__spoken = [];
    w.__voices = [{ lang: 'vi-VN', name: 'Tiếng Việt' }];
    Object.defineProperty(w.speechSynthesis, 'getVoices', { value: () => w.__voices });
    Object.defineProperty(w.speechSynthesis, 'speak', { value: (u: any) => w.__spoken.push({ text: u.text, lang: u.lang }) });
    Object.defineProperty(w.speechSynthesis, 'cancel', { value: () => {} });
  });
  await page.goto('/reports');
  await page.locator('a[href^="/reports/"]:not([href="/reports/new"])').first().click();
  await expect(page).toHaveURL(/\/reports\/\d+$/);
  const title = await page.getByRole('heading', { level: 1 }).innerText();
  await live(page);
  await page.getByRole('button', { name: 'Đọc to' }).click();
  await expect(page.getByRole('button', { name: 'Dừng đọc' })).toBeVisible();
  const spoken = await page.evaluate(() => (window as any).__spoken);
  expect(spoken).toHaveLength(1);
  expect(spoken[0].lang).toBe('vi-VN');
  expect(spoken[0].text.startsWith(title)).toBe(true);
  await expectAccessible(page);
  await snap(page, info, 'report-read-aloud');

  // A phone without a Vietnamese voice: said in words, nothing read.
  await page.getByRole('button', { name: 'Dừng đọc' }).click();
  await page.evaluate(() => { (window as any).__voices = [{ lang: 'en-US', name: 'English' }]; });
  await page.getByRole('button', { name: 'Đọc to' }).click();
  await expect(page.getByText('Điện thoại này chưa có giọng đọc tiếng Việt.')).toBeVisible();
  expect(await page.evaluate(() => (window as any).__spoken.length)).toBe(1);
});
