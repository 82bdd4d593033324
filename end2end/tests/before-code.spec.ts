import { expect, test } from './site';
import { DEMO_PASSWORD, PASSWORD, snap, textedCode } from './helpers';

// An old phone, or a slow line where the page's code has not arrived: every step here is a plain
// form the browser sends itself, answered with a page. (The accessibility checker runs in the
// page's JavaScript: the same pages are checked by the other journeys.)
test.use({ javaScriptEnabled: false });

test('without the page’s code, a citizen files a report, a neighbour follows it by its receipt and by SMS, and signs up with her number', async ({ page }, info) => {
  test.slow();
  const tag = `${info.project.name} ${Date.now() % 100000}`;
  const title = `Đèn đường tổ 4 tắt cả tuần ${tag}`;
  // Each project uses numbers of its own: the demo data is shared within a worker.
  const [follower, signUp] = info.project.name === 'phone' ? ['0912 345 641', '0912 345 651'] : ['0912 345 642', '0912 345 652'];
  const textCode = (phone: string, says: RegExp) => textedCode(page, phone, says);

  // She signs in and files her report.
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('dan@vidan.local');
  await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/reports/new');
  await page.getByLabel('Phường, xã, đơn vị').selectOption({ label: 'Phường 1' });
  await page.getByLabel('Lĩnh vực').selectOption({ label: 'Lĩnh vực khác' });
  await page.getByLabel('Vấn đề bạn gặp').fill(title);
  await page.getByLabel('Mô tả').fill('Đèn đường ở tổ 4 tắt suốt một tuần, người già đi chợ sớm phải dò đường trong bóng tối.');
  await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
  await expect(page).toHaveURL(/\/reports\/\d+$/);
  const reportUrl = page.url();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  const receipt = (await page.locator('.receipt-code').innerText()).trim();
  expect(receipt).toMatch(/^PA-[2-9A-Z]{4}-[2-9A-Z]{2}$/);

  // A neighbour without an account looks it up by its receipt: a wrong code is named as one.
  await page.context().clearCookies();
  await page.goto('/receipt');
  await page.getByLabel('Mã phiếu').fill('PA-2222-22');
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await expect(page.getByText('Không có phản ánh nào mang mã này. Hãy xem lại mã trên phiếu.')).toBeVisible();
  await page.getByLabel('Mã phiếu').fill(receipt.replaceAll('-', ' ').toLowerCase());
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await expect(page).toHaveURL(new RegExp(`^${reportUrl.replace(/[.?]/g, '\\$&')}\\?receipt=`));
  await expect(page.getByRole('heading', { name: title })).toBeVisible();

  // She follows it by SMS: the page comes back saying where the code went (the number's last
  // digits) with the step that takes it open; the code follows.
  const sms = page.getByRole('region', { name: 'Nhận tin nhắn khi có cập nhật' });
  await sms.getByLabel('Số điện thoại di động').first().fill(follower.replaceAll(' ', ''));
  await sms.getByRole('button', { name: 'Gửi mã xác nhận' }).first().click();
  await expect(page.getByText(`Đã gửi mã tới 0••• ••• ${follower.slice(-3)}. Nhập mã để xác nhận.`)).toBeVisible();
  await expect(sms.getByLabel('Mã trong tin nhắn')).toBeVisible();
  await sms.getByLabel('Số điện thoại di động').nth(1).fill(follower);
  const code = await textCode(follower, /để nhận tin nhắn về phản ánh số/);
  await sms.getByLabel('Mã trong tin nhắn').fill(code);
  await sms.getByRole('button', { name: 'Xác nhận', exact: true }).click();
  await expect(page.getByText('Đã đăng ký: số này sẽ nhận tin nhắn mỗi khi phản ánh có cập nhật.')).toBeVisible();
  await snap(page, info, 'before-code-sms');

  // Another citizen signs up with her number, proves it with the texted code and signs in.
  await page.goto('/register');
  await page.getByLabel('Họ và tên').fill('Trần Thị Năm');
  await page.getByLabel('Email hoặc số điện thoại di động').fill(signUp);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await expect(page).toHaveURL(/\/verify\?email=%2B849/);
  const proof = await textCode(signUp, /mã xác minh của bạn là/);
  await page.getByLabel('Mã xác thực (8 chữ số)').fill(proof);
  await page.getByRole('button', { name: 'Xác thực' }).click();
  await expect(page).toHaveURL(/\/sign-in\?verified=1/);
  await page.getByLabel('Email hoặc số điện thoại di động').fill(signUp);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/account');
  await expect(page.getByText(`Số đã xác minh: ${signUp}`)).toBeVisible();
  await snap(page, info, 'before-code-account');
});
