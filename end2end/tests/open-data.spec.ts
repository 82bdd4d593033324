import { readFileSync } from 'fs';
import { expect, test } from './site';
import { codeFor, expectAccessible, live, PASSWORD, snap } from './helpers';

test('a journalist finds the open data page, tries an endpoint and downloads a CSV', async ({ page, request }, info) => {
  await page.goto('/');
  await page.getByRole('contentinfo').getByRole('link', { name: 'Dữ liệu mở' }).click();
  await expect(page).toHaveURL(/\/open-data$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Dữ liệu mở' })).toBeVisible();
  await expect(page.getByText('GET /api/v1/pilots/{id}/milestones.csv')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'open-data');

  // Every endpoint the generated document lists is on the page.
  const doc = await (await request.get('/api/v1/openapi.json')).json();
  for (const path of Object.keys(doc.paths)) {
    if (path === '/api/v1/openapi.json') continue;
    await expect(page.locator(`code[data-path="${path}"]`)).toHaveCount(1);
  }

  const [popup] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('tr', { has: page.locator('code[data-path="/api/v1/challenges.csv"]') }).getByRole('link', { name: 'Xem thử' }).click(),
  ]);
  const csv = readFileSync((await popup.path())!);
  expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  expect(csv.toString('utf8')).toContain('Rút ngắn thời gian chờ ở bộ phận một cửa');

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Open data' })).toBeVisible();
  await expect(page.getByText('Nothing personal: no emails')).toBeVisible();
});

test('a citizen downloads their data, then deletes their account', async ({ page }, info) => {
  const email = `xoa.${info.project.name}.${Date.now()}@example.vn`;
  await page.goto('/register');
  await live(page);
  await page.getByLabel('Họ và tên').fill('Trần Văn Xoá');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await expect(page).toHaveURL(/\/verify\?email=/);
  const code = await codeFor(page, email);
  await page.goto(`/verify?email=${encodeURIComponent(email)}`);
  await page.getByLabel('Mã xác thực (8 chữ số)').fill(code);
  await page.getByRole('button', { name: 'Xác thực' }).click();
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto('/account');
  await live(page);
  await expect(page.getByRole('heading', { name: 'Dữ liệu của bạn' })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Tải dữ liệu của tôi' }).click(),
  ]);
  const data = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(data.account.email).toBe(email);
  expect(data.account.display_name).toBe('Trần Văn Xoá');

  const zone = page.getByRole('region', { name: 'Dữ liệu của bạn' });
  await zone.getByText('Xoá tài khoản', { exact: true }).click();
  await expectAccessible(page);
  await snap(page, info, 'account-delete');
  // Without the box ticked nothing is deleted and the page says why.
  await zone.getByLabel('Mật khẩu hiện tại').fill(PASSWORD);
  await page.getByRole('button', { name: 'Xoá vĩnh viễn tài khoản' }).click();
  await expect(page.getByText('Hãy đánh dấu ô xác nhận để xoá tài khoản.')).toBeVisible();

  await zone.getByLabel('Mật khẩu hiện tại').fill(PASSWORD);
  await zone.getByLabel('Tôi hiểu và muốn xoá tài khoản').check();
  await page.getByRole('button', { name: 'Xoá vĩnh viễn tài khoản' }).click();
  await expect(page).toHaveURL(/account_deleted=1/);
  await expect(page.getByText('Tài khoản của bạn đã được xoá')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Đăng nhập' }).first()).toBeVisible();

  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.locator('.alert-error')).toBeVisible();
});
