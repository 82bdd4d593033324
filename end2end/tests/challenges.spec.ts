import { expect, test } from './site';
import { cityDate, expectAccessible, live, signInAs, snap, mainMenu, textedCode } from './helpers';

test('a citizen reports a problem, staff make it a challenge, a visitor finds it without diacritics and follows it', async ({ page }, info) => {
  const tag = `${info.project.name} ${Date.now() % 100000}`;
  const title = `Hàng chờ thủ tục chứng thực quá lâu ${tag}`;

  // A citizen reports the problem.
  await signInAs(page, 'dan@vidan.local');
  await (await mainMenu(page)).getByRole('link', { name: 'Phản ánh' }).click();
  await expect(page.getByRole('heading', { name: 'Phản ánh của người dân', level: 1 })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'reports');
  await page.getByRole('link', { name: 'Gửi phản ánh' }).first().click();
  await expect(page.getByRole('heading', { name: 'Gửi phản ánh', level: 1 })).toBeVisible();
  await live(page);
  // Too short: refused next to the fields, and what was typed stays.
  await page.getByLabel('Phường, xã, đơn vị').selectOption({ label: 'Phường 1' });
  await page.getByLabel('Lĩnh vực').selectOption({ label: 'Thủ tục hành chính' });
  await page.getByLabel('Vấn đề bạn gặp').fill(title);
  await page.getByLabel('Mô tả').fill('Quá lâu.');
  await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
  await expect(page.getByText('Cần ít nhất 30 ký tự.')).toBeVisible();
  await expect(page.getByLabel('Vấn đề bạn gặp')).toHaveValue(title);
  await expectAccessible(page);
  await snap(page, info, 'report-error');
  await page.getByLabel('Mô tả').fill('Sáng thứ Hai phải chờ gần ba tiếng mới được chứng thực một bản sao giấy khai sinh.');
  await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
  await expect(page).toHaveURL(/\/reports\/\d+$/);
  const reportUrl = page.url();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByText('Mới gửi')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'report');

  // Its receipt, as a one-stop desk gives one: whoever holds the code follows it without an account.
  const receipt = page.getByRole('region', { name: 'Phiếu theo dõi phản ánh' });
  const code = (await receipt.locator('.receipt-code').innerText()).trim();
  expect(code).toMatch(/^PA-[2-9A-Z]{4}-[2-9A-Z]{2}$/);
  await expect(receipt.getByRole('img', { name: 'Mã QR dẫn đến trang theo dõi phản ánh' })).toBeVisible();
  await page.context().clearCookies();
  await page.goto('/reports');
  await page.getByRole('link', { name: 'Đã có mã phiếu? Tra cứu phản ánh' }).click();
  await page.getByLabel('Mã phiếu').fill(code.replaceAll('-', ' ').toLowerCase());
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  // The report's page, told which receipt led there (it shows nothing more to a citizen's own).
  await expect(page).toHaveURL(new RegExp(`^${reportUrl.replace(/[.?]/g, '\\$&')}\\?receipt=`));
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByText(code)).toHaveCount(0);

  // A neighbour without an account follows it by SMS: a code texted to the number (read here from
  // the development SMS page), then a text message at each decision staff take.
  const phone = info.project.name === 'phone' ? '0912 345 601' : '0912 345 602';
  const sms = page.getByRole('region', { name: 'Nhận tin nhắn khi có cập nhật' });
  await live(page);
  await sms.getByLabel('Số điện thoại di động').first().fill(`84-${phone.replaceAll(' ', '-').slice(1)}`);
  await sms.getByRole('button', { name: 'Gửi mã xác nhận' }).first().click();
  // The page names the number by its last three digits only, and opens the step for the code.
  await expect(sms.getByText(`Đã gửi mã tới 0••• ••• ${phone.slice(-3)}. Nhập mã để xác nhận.`)).toBeVisible();
  const smsCode = (says: RegExp) => textedCode(page, phone, says);
  const smsOne = await smsCode(/để nhận tin nhắn về phản ánh số/);
  await sms.getByLabel('Số điện thoại di động').nth(1).fill(phone);
  await sms.getByLabel('Mã trong tin nhắn').fill(smsOne!);
  await sms.getByRole('button', { name: 'Xác nhận', exact: true }).click();
  await expect(sms.getByText('Đã đăng ký: số này sẽ nhận tin nhắn mỗi khi phản ánh có cập nhật.')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'report-sms');

  // Staff of Phường 1 turn it into a challenge and publish it.
  await signInAs(page, 'canbo@vidan.local');
  await page.goto(reportUrl);
  await page.getByRole('link', { name: 'Tạo thử thách từ phản ánh này' }).click();
  await expect(page.getByRole('heading', { name: 'Tạo thử thách mới' })).toBeVisible();
  await expect(page.getByLabel('Tên thử thách')).toHaveValue(title);
  await expect(page.getByRole('checkbox', { name: new RegExp(tag) })).toBeChecked();
  await page.getByLabel('Tóm tắt').fill('Người dân chờ gần ba tiếng để chứng thực giấy tờ; tìm cách để không ai phải chờ quá 30 phút.');
  await page.getByLabel('Mô tả chi tiết vấn đề').fill('## Bối cảnh\n\nMỗi sáng thứ Hai có **hơn 150 lượt** chứng thực. Chỉ có một quầy.');
  await page.getByLabel('Giải 1').fill('Giải nhất');
  await page.getByRole('textbox', { name: 'Số tiền (đồng)' }).first().fill('50.000.000');
  await page.getByLabel('Mở nhận bài').fill(cityDate(-1));
  await page.getByLabel('Hết hạn nộp bài').fill(cityDate(20));
  await page.getByLabel('Kết thúc chấm điểm').fill(cityDate(30));
  await page.getByLabel('Công bố kết quả').fill(cityDate(35));
  await expectAccessible(page);
  await snap(page, info, 'challenge-new');
  await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
  await expect(page).toHaveURL(/\/staff\/challenges\/\d+$/);
  await expect(page.getByText('Bản nháp')).toBeVisible();
  await page.getByRole('button', { name: 'Công bố' }).click();
  await expect(page.getByText('Đang nhận bài').first()).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'challenge-edit');

  // A visitor searches without diacritics, finds it, signs in and follows it.
  await page.context().clearCookies();
  await page.goto('/challenges');
  await page.getByRole('searchbox', { name: 'Tìm kiếm' }).fill(`hang cho thu tuc chung thuc ${tag}`);
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page.getByText('1 kết quả')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'challenges-search');
  await page.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(page.getByText('50.000.000 ₫')).toBeVisible();
  await expect(page.getByRole('link', { name: title }).last()).toHaveAttribute('href', new URL(reportUrl).pathname);
  await expect(page.getByText('Công bố thử thách')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'challenge');
  const challengeUrl = page.url();
  await signInAs(page, 'doi@vidan.local');
  await page.goto(challengeUrl);
  await live(page);
  await page.getByRole('button', { name: 'Theo dõi' }).click();
  await expect(page.getByRole('button', { name: 'Bỏ theo dõi' })).toBeVisible();
  await expect(page.getByText('1 người theo dõi')).toBeVisible();

  // The number that follows the report was told where it went.
  const texts = await page.context().newPage();
  await texts.goto('/dev/sms');
  await expect(texts.locator('article.mail', { has: texts.locator('.mail-to', { hasText: phone }) }).first())
    .toContainText('có cập nhật: Đã thành thử thách');
  await texts.close();

  // The citizen who reported it sees where it went.
  await signInAs(page, 'dan@vidan.local');
  await page.goto(reportUrl);
  await expect(page.getByText('Đã thành thử thách').first()).toBeVisible();
  await expect(page.getByRole('link', { name: title })).toBeVisible();
});

test('the home page shows what is open and a staff member sees their desk', async ({ page }, info) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Đang nhận bài dự thi' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Rút ngắn thời gian chờ ở bộ phận một cửa' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'home-challenges');

  await signInAs(page, 'canbo@vidan.local');
  await (await mainMenu(page)).getByRole('link', { name: 'Bàn làm việc' }).click();
  await expect(page.getByRole('heading', { name: 'Bàn làm việc của cán bộ' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Phường 1', level: 2 })).toBeVisible();
  await expect(page.getByText('Số hoá sổ hộ tịch cũ của phường')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'staff-desk');
});
