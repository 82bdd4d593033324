import { expect, test } from './site';
import { expectAccessible, live, PASSWORD, signInAs, snap } from './helpers';

test('an elderly citizen helped at the desk follows her report by its receipt, gets the answer by text and rates it', async ({ page }, info) => {
  test.slow();
  // Each project its own number: the demo data is shared within a worker.
  const phone = info.project.name === 'phone' ? '0912 345 621' : '0912 345 622';
  const name = `Bà Sáu, tổ 3 (${info.project.name})`;

  // The officer at the one-stop desk of Phường 1 writes it down for her.
  await signInAs(page, 'canbo@vidan.local');
  await page.goto('/reports');
  await page.getByRole('link', { name: 'Gửi hộ cho người khác' }).click();
  await expect(page.getByRole('heading', { name: 'Nhóm hỗ trợ gửi phản ánh', level: 1 })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Gửi hộ phản ánh' }).click();
  await expect(page.getByRole('heading', { name: 'Gửi hộ phản ánh', level: 1 })).toBeVisible();
  await live(page);
  await page.getByLabel('Gửi hộ với tư cách').selectOption({ label: 'Bộ phận một cửa, Phường 1' });
  await page.getByLabel('Tên người dân (hiển thị công khai)').fill(name);
  await page.getByLabel('Số điện thoại di động của họ (không bắt buộc)').fill(phone);
  await page.getByLabel('Họ đồng ý bằng cách nào').selectOption({ label: 'Người dân đồng ý bằng lời, trước mặt người gửi hộ' });
  await page.getByLabel('Phường, xã, đơn vị').selectOption({ label: 'Phường 1' });
  await page.getByLabel('Lĩnh vực').selectOption({ label: 'Thủ tục hành chính' });
  await page.getByLabel('Vấn đề bạn gặp').fill('Không biết làm lại sổ hộ nghèo ở đâu');
  await page.getByLabel('Mô tả').fill('Bà Sáu 76 tuổi, sổ hộ nghèo bị ướt mất chữ sau trận ngập tháng trước, bà không biết phải làm lại ở đâu.');
  // Consent not ticked: refused in words next to it, and nothing typed is lost.
  await page.getByRole('button', { name: 'Gửi hộ và in biên nhận' }).click();
  await expect(page.getByText('Hãy hỏi và ghi lại sự đồng ý của người dân trước khi gửi hộ.')).toBeVisible();
  await expect(page.getByLabel('Tên người dân (hiển thị công khai)')).toHaveValue(name);
  await expectAccessible(page);
  await snap(page, info, 'assisted-error');
  await page.getByLabel('Tôi đã đọc lại phản ánh cho người dân và họ đồng ý gửi.').check();
  await page.getByRole('button', { name: 'Gửi hộ và in biên nhận' }).click();
  await expect(page).toHaveURL(/\/reports\/\d+$/);
  const reportUrl = new URL(page.url()).pathname;

  // The receipt to print: for whom, its code, its QR code, where the news goes.
  const receipt = page.getByRole('region', { name: 'Phiếu theo dõi phản ánh' });
  await expect(receipt.getByText(`Biên nhận của: ${name}`)).toBeVisible();
  const code = (await receipt.locator('.receipt-code').innerText()).trim();
  expect(code).toMatch(/^PA-[2-9A-Z]{4}-[2-9A-Z]{2}$/);
  await expect(receipt.getByText(/Tin nhắn khi có trả lời sẽ gửi tới số 0••• ••• 6\d\d\./)).toBeVisible();
  await expect(receipt.getByRole('button', { name: 'In biên nhận' })).toBeVisible();
  await expect(page.getByText(`Bộ phận một cửa của Phường 1 gửi hộ cho ${name}.`)).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'assisted-receipt');
  // Printed, the receipt is the whole page: one A6 sheet, with its code and QR code on it.
  await page.emulateMedia({ media: 'print' });
  await snap(page, info, 'assisted-receipt-print');
  await expect(receipt.locator('.receipt-code')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toBeHidden();
  const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
  expect(pdf.match(/\/Type\s*\/Page(?!s)/g)?.length, 'the receipt prints on one sheet').toBe(1);
  await page.emulateMedia({ media: 'screen' });

  // The desk answers in public.
  await page.getByLabel('Trả lời công khai').fill('Bà mang căn cước đến bộ phận một cửa sáng thứ Ba, cán bộ làm lại sổ ngay trong buổi.');
  await page.getByRole('button', { name: 'Gửi trả lời' }).click();
  await expect(page.getByText('Phản ánh này đã được xử lý.')).toBeVisible();

  // Her phone got the receipt, then the answer, with the receipt's address (read here from the
  // development SMS page).
  await page.context().clearCookies();
  await page.goto('/dev/sms');
  const texts = page.locator('article.mail', { has: page.locator('.mail-to', { hasText: phone }) });
  await expect(texts.first()).toContainText('có cập nhật');
  await expect(texts.nth(1)).toContainText(`mã biên nhận ${code}`);
  const link = (await texts.first().locator('.mail-body').innerText()).match(/https?:\/\/\S+\/receipt\?code=\S+/)?.[0];
  expect(link, 'the text leads to the receipt').toBeTruthy();

  // Her grandson opens it on her phone: the report, its answer, and the question for her.
  await page.goto(new URL(link!).pathname + new URL(link!).search);
  await expect(page).toHaveURL(new RegExp(`${reportUrl}\\?receipt=`));
  await expect(page.getByRole('heading', { name: 'Không biết làm lại sổ hộ nghèo ở đâu' })).toBeVisible();
  await expect(page.getByText('làm lại sổ ngay trong buổi')).toBeVisible();
  const rate = page.getByRole('region', { name: 'Câu trả lời đã giải quyết được việc của bạn chưa?' });
  await expect(rate).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'assisted-rate');
  await rate.getByRole('button', { name: 'Đã giải quyết' }).click();
  await expect(page.getByText('Người gửi cho biết câu trả lời đã giải quyết được việc.')).toBeVisible();
  // Everyone sees her word; nobody without the receipt is asked for it.
  await page.goto(reportUrl);
  await expect(page.getByText('Người gửi cho biết câu trả lời đã giải quyết được việc.')).toBeVisible();
  await expect(page.getByText(code)).toHaveCount(0);
  // Her number, in any form: as given, or hidden but for its last digits.
  await expect(page.getByText(phone)).toHaveCount(0);
  await expect(page.getByText(`0••• ••• ${phone.slice(-3)}`)).toHaveCount(0);

  // Later her grandson makes her an account with her number, and she takes the report into it
  // with the receipt: a wrong code is named, the right one makes it hers.
  await page.goto('/register');
  await page.getByLabel('Họ và tên').fill('Bà Sáu');
  await page.getByLabel('Email hoặc số điện thoại di động').fill(phone);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await expect(page).toHaveURL(/\/verify\?email=%2B849/);
  await page.goto('/dev/sms');
  const proof = (await texts.first().locator('.mail-body').innerText()).match(/\b\d{8}\b/)?.[0];
  await page.goBack();
  await page.getByLabel('Mã xác thực (8 chữ số)').fill(proof!);
  await page.getByRole('button', { name: 'Xác thực' }).click();
  await expect(page).toHaveURL(/\/sign-in\?verified=1/);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto(reportUrl);
  await live(page);
  const claim = page.locator('details.claim');
  await claim.getByText('Phản ánh này được gửi hộ cho bạn? Nhận về tài khoản').click();
  await claim.getByLabel('Mã phiếu').fill('PA-2222-22');
  await claim.getByRole('button', { name: 'Nhận phản ánh' }).click();
  await expect(claim.getByRole('alert').filter({ hasText: /\S/ }).first()).toBeVisible();
  await claim.getByLabel('Mã phiếu').fill(code);
  await claim.getByRole('button', { name: 'Nhận phản ánh' }).click();
  await expect(page.getByText('Người dân đã nhận phản ánh về tài khoản của mình.')).toBeVisible();
  await expect(page.locator('details.claim')).toHaveCount(0);
  await expectAccessible(page);
  await snap(page, info, 'assisted-claimed');
});
