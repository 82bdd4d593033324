import { expect, test } from './site';
import { expectAccessible, live, mainMenu, PASSWORD, snap, textedCode } from './helpers';

// A vote night as a new citizen lives it, on a 360 px phone (and on a desktop): she signs up with
// her number, finds the entry her friend told her about by a word of its name, votes, reads that
// the vote counted and until when it can change, moves it, and switches language without losing
// her place.
test('a new voter signs up, finds an entry by a word of its name, votes, moves the vote and keeps her place across languages', async ({ page }, info) => {
  test.slow();
  const phone = info.project.name === 'phone';
  const shown = phone ? '0912 345 671' : '0912 345 672';
  const fitsTheScreen = async () => {
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(scroll, 'nothing reaches past the screen’s edge').toBeLessThanOrEqual(width);
  };

  await page.context().clearCookies();
  await page.goto('/');
  // The header is one row on a phone; its menu opens whole, every item on the screen.
  const header = await page.locator('.site-header').boundingBox();
  if (phone) expect(header!.height).toBeLessThan(80);
  await fitsTheScreen();
  const menu = await mainMenu(page);
  const width = page.viewportSize()!.width;
  for (const link of await menu.getByRole('link').all()) {
    const box = (await link.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
  }
  await expectAccessible(page);
  await snap(page, info, 'menu-open');
  await page.getByRole('link', { name: 'Đăng ký' }).first().click();

  // She signs up with her number and the code texted to it.
  await expect(page.getByRole('heading', { name: 'Tạo tài khoản' })).toBeVisible();
  await live(page);
  await page.getByLabel('Họ và tên').fill('Trần Thị Bình');
  await page.getByLabel('Email hoặc số điện thoại di động').fill(shown);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await expect(page).toHaveURL(/\/verify\?email=%2B849/);
  const code = await textedCode(page, shown, 'mã xác minh của bạn là');
  await page.getByLabel('Mã xác thực (8 chữ số)').fill(code);
  await page.getByRole('button', { name: 'Xác thực' }).click();
  await expect(page).toHaveURL(/\/sign-in\?verified=1/);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/$/);
  // Greeted as someone new, not as someone seen again.
  await expect(page.getByText('Chào Trần Thị Bình, rất vui được gặp bạn.')).toBeVisible();
  await fitsTheScreen();

  // She looks for the entry by a word of its name, without Vietnamese marks.
  await (await mainMenu(page)).getByRole('link', { name: 'Thử thách' }).click();
  await expect(page.getByRole('heading', { name: 'Thử thách', level: 1 })).toBeVisible();
  await page.getByLabel('Tìm kiếm').fill('tong dai');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page).toHaveURL(/\/challenges\?q=tong\+dai.*#results$/);
  const found = page.getByRole('region', { name: 'Bài dự thi và đội' });
  await expect(found).toBeInViewport();
  // While the panel judges blind, team names are not searched, and the page says so; once it
  // has closed (another journey may close it), the entry shows its team.
  await expect(found.getByText('tên đội được giữ kín').or(found.getByText('Tổng Đài Xanh')).first()).toBeVisible();
  await fitsTheScreen();
  await expectAccessible(page);
  await snap(page, info, 'search-found');
  const title = 'Tổng đài gọi lại trong 24 giờ';
  await found.getByRole('link', { name: title }).click();

  // The challenge's entries, narrowed to what she searched, her entry on the screen.
  await expect(page).toHaveURL(/\/entries\?q=tong(%20|\+)dai#entry-\d+$/);
  await expect(page.getByRole('searchbox', { name: 'Tìm bài dự thi' })).toHaveValue('tong dai');
  await expect(page.getByText(/^\d+ trên \d+ bài khớp với “tong dai”\./)).toBeVisible();
  const card = (name: string) => page.getByRole('article', { name });
  await expect(card(title)).toBeInViewport();
  await live(page);
  await card(title).getByRole('button', { name: `Bình chọn cho “${title}”` }).click();
  await expect(card(title).getByRole('button', { name: `Đã bình chọn “${title}” — bấm để rút phiếu` })).toBeVisible();
  // What happened, and until when it can change, in words beside the button.
  await expect(card(title).getByRole('status')).toContainText(/Bạn đã bình chọn bài này\. Bạn có thể rút phiếu hoặc chuyển sang bài khác đến \d\d:\d\d \d\d\/\d\d\/\d{4}\./);
  await expect(card(title).getByRole('status')).toBeInViewport();
  await fitsTheScreen();
  await expectAccessible(page);
  await snap(page, info, 'voted');

  // She changes her mind: every entry again, and the vote moves to another.
  await page.getByRole('link', { name: /^Xem tất cả \d+ bài$/ }).click();
  await expect(page.getByRole('searchbox', { name: 'Tìm bài dự thi' })).toHaveValue('');
  const other = 'Tin nhắn thoại cho người lớn tuổi';
  await live(page);
  await card(other).getByRole('button', { name: `Bình chọn cho “${other}”` }).click();
  await expect(card(other).getByRole('button', { name: `Đã bình chọn “${other}” — bấm để rút phiếu` })).toBeVisible();
  await expect(card(other).getByText('Bạn đã bình chọn bài này.')).toBeVisible();
  await expect(card(title).getByText('Bạn đã bình chọn bài này.')).toHaveCount(0);
  await expect(page.getByText('Mỗi người có 1 phiếu; bạn đã dùng 1.')).toBeVisible();

  // In English, she is where she was reading, not at the top of the page. She reads the last
  // entry (the order is her own), on a screen short enough that it is out of sight from the top.
  await page.setViewportSize({ width: page.viewportSize()!.width, height: 600 });
  const last = page.locator('article.public-entry').last();
  const reading = (await last.getByRole('heading', { level: 2 }).innerText()).trim();
  expect(await last.evaluate((e) => e.getBoundingClientRect().top + window.scrollY)).toBeGreaterThan(600);
  await last.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  // Two frames: the page has seen its own scroll before she reaches for the button.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await expect(card(reading)).toBeInViewport();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'People’s choice vote' })).toBeAttached();
  await expect(card(reading)).toBeInViewport();
  await expect(card(other).getByText('You voted for this entry.')).toBeAttached();
  await snap(page, info, 'english-same-place');
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await expect(card(reading)).toBeInViewport();
});
