import { expect, test } from './site';
import { expectAccessible, live, PASSWORD, snap, textedCode } from './helpers';

const HOTLINE_ENTRIES = '/challenges/tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang/entries';

test('a citizen with a phone and no email signs up with her number, signs in with it and votes', async ({ page }, info) => {
  test.slow();
  // Each project signs up its own number: the demo data is shared within a worker.
  const shown = info.project.name === 'phone' ? '0912 345 611' : '0912 345 612';

  await page.context().clearCookies();
  await page.goto('/register');
  await live(page);
  await expect(page.getByText('Không có email? Dùng số di động')).toBeVisible();
  // A landline is refused in words, and what was typed stays.
  await page.getByLabel('Họ và tên').fill('Nguyễn Thị Tư');
  await page.getByLabel('Email hoặc số điện thoại di động').fill('024 3825 1234');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await expect(page.getByText('Số điện thoại chưa đúng')).toBeVisible();
  await expect(page.getByLabel('Họ và tên')).toHaveValue('Nguyễn Thị Tư');
  await expectAccessible(page);

  // Her number, written the way she writes it.
  await page.getByLabel('Email hoặc số điện thoại di động').fill(shown.replaceAll(' ', '.'));
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await expect(page).toHaveURL(/\/verify\?email=%2B849/);
  await expect(page.getByRole('heading', { name: 'Xác thực tài khoản' })).toBeVisible();
  await expect(page.getByText('đến email hoặc số điện thoại của bạn')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'verify-phone');

  // The code came by text message (the development SMS page shows what would have been sent).
  const code = await textedCode(page, shown, 'mã xác minh của bạn là');

  await page.getByLabel('Mã xác thực (8 chữ số)').fill(code);
  await page.getByRole('button', { name: 'Xác thực' }).click();
  await expect(page).toHaveURL(/\/sign-in\?verified=1/);
  await expect(page.getByLabel('Email hoặc số điện thoại di động')).toHaveValue(shown);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);

  // Her account shows her number as she writes it, and no email.
  await page.goto('/account');
  await expect(page.getByText(`Số đã xác minh: ${shown}`)).toBeVisible();
  // She has no email: she chooses what also comes by text message.
  await live(page);
  const prefs = page.getByRole('region', { name: 'Nhận thông báo' });
  await expect(prefs.getByText('Tài khoản chưa có email')).toBeVisible();
  const byText = prefs.getByRole('group', { name: 'Cũng nhận qua tin nhắn (SMS)' });
  await byText.getByLabel('Phản ánh của tôi được trả lời').check();
  await prefs.getByRole('button', { name: 'Lưu' }).click();
  await expect(prefs.getByText('Đã lưu.')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('group', { name: 'Cũng nhận qua tin nhắn (SMS)' }).getByLabel('Phản ánh của tôi được trả lời')).toBeChecked();
  await expectAccessible(page);
  await snap(page, info, 'account-phone');

  // She votes.
  await page.goto(HOTLINE_ENTRIES);
  await live(page);
  const title = 'Tin nhắn thoại cho người lớn tuổi';
  const card = page.getByRole('article', { name: title });
  await card.getByRole('button', { name: `Bình chọn cho “${title}”` }).click();
  await expect(card.getByRole('button', { name: `Đã bình chọn “${title}” — bấm để rút phiếu` })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'vote-by-phone');

  // Signed out, she comes back with her number written another way.
  await page.context().clearCookies();
  await page.goto('/sign-in');
  await page.getByLabel('Email hoặc số điện thoại di động').fill(`84-${shown.slice(1).replaceAll(' ', '-')}`);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto(HOTLINE_ENTRIES);
  await expect(card.getByRole('button', { name: `Đã bình chọn “${title}” — bấm để rút phiếu` })).toBeVisible();
});
