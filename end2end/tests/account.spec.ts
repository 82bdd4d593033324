import { expect, test } from './site';
import { authenticatorCode, codeFor, expectAccessible, live, PASSWORD, secondStep, snap, mainMenu } from './helpers';

test('a new citizen registers, verifies by email, signs in, switches language and signs out', async ({ page }, info) => {
  const email = `lan.${info.project.name}.${Date.now()}@example.vn`;

  await page.goto('/');
  await expect(page).toHaveTitle(/Vì Dân/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Cùng chính quyền');
  await expectAccessible(page);
  await snap(page, info, 'home');

  // On a phone the header keeps signing in; signing up is in the menu.
  await (await mainMenu(page)).page().getByRole('link', { name: 'Đăng ký' }).first().click();
  await expect(page.getByRole('heading', { name: 'Tạo tài khoản' })).toBeVisible();
  await expectAccessible(page);
  // Let the wasm load and hydrate (the Content-Security-Policy must allow it).
  await live(page);

  // A bad submission shows errors next to the fields and keeps the page.
  await page.getByLabel('Họ và tên').fill('Lan');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Mật khẩu').fill('1234567890');
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await expect(page.getByText('Mật khẩu này quá phổ biến')).toBeVisible();
  // Hydrated: the error came back without a page load, so the address carries no error.
  await expect(page).not.toHaveURL(/__err=/);
  await expectAccessible(page);
  await snap(page, info, 'register-error');

  await page.getByLabel('Họ và tên').fill('Nguyễn Thị Lan');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await expect(page).toHaveURL(/\/verify\?email=/);
  await expect(page.getByRole('heading', { name: 'Xác thực tài khoản' })).toBeVisible();
  await expectAccessible(page);

  const code = await codeFor(page, email);
  await expectAccessible(page);
  await page.goto(`/verify?email=${encodeURIComponent(email)}`);
  await page.getByLabel('Mã xác thực (8 chữ số)').fill(code);
  await page.getByRole('button', { name: 'Xác thực' }).click();
  await expect(page).toHaveURL(/\/sign-in\?verified=1/);
  await expect(page.getByText('Email đã được xác thực')).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText('Chào Nguyễn Thị Lan')).toBeVisible();
  // Her name leads to her account: in the header, or on a phone in the menu.
  await expect((await mainMenu(page)).page().getByRole('link', { name: 'Nguyễn Thị Lan' })).toBeVisible();
  await snap(page, info, 'home-signed-in');

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByText('Hello, Nguyễn Thị Lan. Good to see you.')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'home-english');

  await (await mainMenu(page)).page().getByRole('link', { name: 'Nguyễn Thị Lan' }).click();
  await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'account-english');

  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await expect(page.getByRole('heading', { name: 'Tài khoản của tôi' })).toBeVisible();
  // The switch loads the page anew: the recovery codes below are shown in place, once live.
  await live(page);

  // Two-step sign-in, offered to everyone: a QR code, or the key typed into the app.
  await page.getByRole('button', { name: 'Thiết lập' }).click();
  await expect(page.locator('.qr svg')).toBeVisible();
  const secret = (await page.locator('.secret-key').innerText()).replace(/\s/g, '');
  await page.getByLabel('Mã 6 số', { exact: true }).fill('123456');
  await page.getByRole('button', { name: 'Bật đăng nhập hai bước' }).click();
  await expect(page.getByText('Mã không đúng hoặc đã được dùng')).toBeVisible();
  await page.getByLabel('Mã 6 số', { exact: true }).fill(authenticatorCode(secret));
  await page.getByRole('button', { name: 'Bật đăng nhập hai bước' }).click();
  const recovery = page.getByRole('list', { name: 'Mã dự phòng của bạn' }).getByRole('listitem');
  await expect(recovery).toHaveCount(10);
  await expect(page.getByText(/Đang bật từ .*Còn 10 mã dự phòng/)).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'two-step-on');
  const firstRecovery = await recovery.first().innerText();

  await page.getByRole('button', { name: 'Đăng xuất' }).last().click();
  await expect(page).toHaveURL(/\/$/);

  // Signing in again asks for the code; a recovery code stands in for a lost phone.
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/sign-in\/code/);
  await page.getByLabel('Mã 6 số hoặc mã dự phòng').fill(firstRecovery);
  await page.getByRole('button', { name: 'Xác nhận và đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText('Chào Nguyễn Thị Lan')).toBeVisible();

  await page.goto('/account');
  await page.getByRole('button', { name: 'Đăng xuất' }).last().click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Đăng nhập' }).first()).toBeVisible();
});

test('an admin signs in in two steps, reads the audit log and manages staff', async ({ page }, info) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('admin@vidan.local');
  await page.getByLabel('Mật khẩu').fill('vidan-demo-2026');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  // The password alone opens nothing: the authenticator's code comes next.
  await expect(page).toHaveURL(/\/sign-in\/code/);
  await expect(page.getByRole('heading', { name: 'Bước hai: mã xác thực' })).toBeVisible();
  await page.getByLabel('Mã 6 số hoặc mã dự phòng').fill('000000');
  await page.getByRole('button', { name: 'Xác nhận và đăng nhập' }).click();
  await expect(page.getByText('Mã không đúng hoặc đã được dùng')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Quản trị', exact: true })).toHaveCount(0);
  await expectAccessible(page);
  await snap(page, info, 'sign-in-code');
  await secondStep(page);
  await expect(page).toHaveURL(/\/$/);

  await (await mainMenu(page)).getByRole('link', { name: 'Quản trị', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Quản trị', level: 1 })).toBeVisible();
  await expect(page.getByText('Nguyễn Thị Hoa').first()).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'admin');
  // A lost two-step sign-in is reset by another administrator, never by its owner.
  await page.locator('#field-reset-email').fill('admin@vidan.local');
  await page.getByLabel('Đã xác minh thế nào').fill('Tôi làm mất điện thoại rồi.');
  await page.getByRole('button', { name: 'Đặt lại', exact: true }).click();
  await expect(page.getByText('Bạn không thể tự đặt lại đăng nhập hai bước của mình')).toBeVisible();

  await (await mainMenu(page)).getByRole('link', { name: 'Nhật ký hoạt động' }).click();
  // The newest line is this very sign-in, made with its second step, by the admin; older acts
  // are found by their name.
  await expect(page.getByRole('table').getByRole('row').nth(1)).toContainText(/account\.sign_in(?!_)/);
  await expect(page.getByRole('table').getByRole('row').nth(1)).toContainText('Quản trị');
  await page.getByLabel('Lọc theo hành động').fill('demo.seed');
  await page.getByRole('button', { name: 'Lọc' }).click();
  await expect(page.getByRole('table')).toContainText('demo.seed');
  await expectAccessible(page);
  await snap(page, info, 'audit');
});

test('an unknown address shows the 404 page', async ({ page }, info) => {
  const response = await page.goto('/khong-co-trang-nay');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Không tìm thấy trang' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, '404');
});

test('the home page loads no code; the first page with a form loads it and shows errors in place', async ({ page }) => {
  const wasm: string[] = [];
  const documents: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
    if (r.resourceType() === 'document') documents.push(r.url());
  });
  await page.goto('/');
  await page.waitForLoadState('networkidle');
  expect(wasm).toEqual([]);

  await page.getByRole('link', { name: 'Đăng nhập' }).first().click();
  await expect(page.getByRole('heading', { name: 'Đăng nhập' })).toBeVisible();
  await live(page);
  expect(wasm.length).toBeGreaterThan(0);

  // Hydrated: a wrong password comes back without a page load, the email still typed.
  await page.getByLabel('Email').fill('admin@vidan.local');
  await page.getByLabel('Mật khẩu').fill('không phải mật khẩu này');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByText('Email hoặc mật khẩu không đúng.')).toBeVisible();
  await expect(page).not.toHaveURL(/__err=/);
  await expect(page.getByLabel('Email')).toHaveValue('admin@vidan.local');

  // A link loads its page: the home page, again without any code.
  const fetched = wasm.length;
  await page.locator('a.brand').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Cùng chính quyền');
  await page.waitForLoadState('networkidle');
  expect(wasm.length).toBe(fetched);
  expect(documents.at(-1)).toMatch(/\/$/);
});
