import { expect, test } from './site';
import { DEMO_PASSWORD, expectAccessible, live, signInAs, snap } from './helpers';

const HOTLINE_ENTRIES = '/challenges/tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang/entries';

test('a citizen votes for an entry, changes the vote, and anyone downloads a closed vote’s ballots', async ({ page, browser, baseURL }, info) => {
  // Each project votes as a different citizen: the demo vote is shared.
  await signInAs(page, info.project.name === 'desktop' ? 'vy@vidan.local' : 'lan@vidan.local');
  await page.goto(HOTLINE_ENTRIES);
  await expect(page.getByRole('heading', { name: 'Bình chọn của người dân' })).toBeVisible();
  await expect(page.getByText('Mỗi người có 1 phiếu; bạn đã dùng 0.')).toBeVisible();
  await live(page);

  const card = (title: string) => page.getByRole('article', { name: title });
  const first = 'Tổng đài gọi lại trong 24 giờ';
  const second = 'Tin nhắn thoại cho người lớn tuổi';
  const countOf = async (title: string) =>
    Number((await card(title).locator('.vote-count').innerText()).replace(/\D/g, ''));
  const before = await countOf(first);
  await card(first).getByRole('button', { name: `Bình chọn cho “${first}”` }).click();
  await expect(card(first).getByRole('button', { name: `Đã bình chọn “${first}” — bấm để rút phiếu` })).toBeVisible();
  await expect(card(first).locator('.vote-count')).toHaveText(`${before + 1} phiếu`);
  // Said in words beside the button: what happened, and until when it can change.
  await expect(card(first).getByRole('status')).toContainText(/Bạn đã bình chọn bài này\. Bạn có thể rút phiếu hoặc chuyển sang bài khác đến \d\d:\d\d \d\d\/\d\d\/\d{4}\./);
  await expectAccessible(page);
  await snap(page, info, 'vote');

  // One vote each: voting for another entry moves it.
  await card(second).getByRole('button', { name: `Bình chọn cho “${second}”` }).click();
  await expect(card(second).getByRole('button', { name: `Đã bình chọn “${second}” — bấm để rút phiếu` })).toBeVisible();
  await expect(card(first).locator('.vote-count')).toHaveText(`${before} phiếu`);
  await expect(page.getByText('Mỗi người có 1 phiếu; bạn đã dùng 1.')).toBeVisible();
  await expect(card(first).getByText('Bạn đã bình chọn bài này.')).toHaveCount(0);
  await expect(card(second).getByText('Bạn đã bình chọn bài này.')).toBeVisible();

  // Another citizen votes elsewhere: the total moves on this page without a reload.
  const third = 'Cán bộ gọi lại theo lịch, có nhắc việc';
  const thirdBefore = await countOf(third);
  const other = await browser.newContext({ baseURL, locale: 'vi-VN' });
  const otherPage = await other.newPage();
  await otherPage.goto('/sign-in');
  await otherPage.getByLabel('Email').fill(info.project.name === 'desktop' ? 'hung@vidan.local' : 'tuan@vidan.local');
  await otherPage.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
  await otherPage.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(otherPage).toHaveURL(/\/$/);
  await otherPage.goto(HOTLINE_ENTRIES);
  await otherPage.getByRole('article', { name: third }).getByRole('button', { name: `Bình chọn cho “${third}”` }).click();
  await expect(otherPage.getByRole('article', { name: third }).getByRole('button', { name: `Đã bình chọn “${third}” — bấm để rút phiếu` })).toBeVisible();
  await other.close();
  await expect(card(third).locator('.vote-count')).toHaveText(`${thirdBefore + 1} phiếu`);

  // A closed vote: its ballots are there for anyone to recount.
  await page.context().clearCookies();
  await page.goto('/challenges/dat-lich-hen-truoc-khi-den-lam-thu-tuc/entries');
  await expect(page.getByText('7 người đã bình chọn.')).toBeVisible();
  const csv = await page.request.get('/challenges/dat-lich-hen-truoc-khi-den-lam-thu-tuc/ballots.csv');
  expect(csv.status()).toBe(200);
  const rows = (await csv.text()).trim().split('\n');
  expect(rows[0]).toContain('voter,entry_id,entry,at,voided');
  expect(rows).toHaveLength(8);
  await expectAccessible(page);
  await snap(page, info, 'vote-closed');
});
