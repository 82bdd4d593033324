import { expect, test } from './site';
import { expectAccessible, live, onePagePdf, signInAs, snap, mainMenu } from './helpers';

test('a team forms from the challenge page, a member joins with its code, they write, submit and resubmit their entry', async ({ page }, info) => {
  // Each project enters a different demo challenge: one person is in one team per challenge.
  const challenge = info.project.name === 'desktop'
    ? 'Rút ngắn thời gian chờ ở bộ phận một cửa'
    : 'Theo dõi hồ sơ đất đai trên điện thoại';
  const name = `Nhóm Sen Hồng ${info.project.name}`;

  await signInAs(page, 'doi@vidan.local');
  await page.goto('/challenges');
  await page.getByRole('link', { name: challenge }).click();
  await page.getByRole('link', { name: 'Lập đội dự thi' }).click();
  await expect(page.getByRole('heading', { name: 'Lập đội dự thi', level: 1 })).toBeVisible();
  await live(page);
  await page.getByLabel('Tên đội').fill(name);
  await page.getByLabel('Doanh nghiệp hoặc trường (không bắt buộc)').fill('Trường ĐH Tây Ninh');
  await page.getByLabel('Liên hệ của đội').fill('0909');
  await page.getByRole('button', { name: 'Lập đội' }).click();
  await expect(page.getByText('Cần ít nhất 5 ký tự.')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Liên hệ của đội').fill('0909 123 456');
  await page.getByRole('button', { name: 'Lập đội' }).click();
  await expect(page).toHaveURL(/\/teams\/\d+$/);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  const code = (await page.locator('.join-code-value code').innerText()).trim();
  expect(code).toMatch(/^[A-Z2-9]{8}$/);
  await expectAccessible(page);
  await snap(page, info, 'team');

  await signInAs(page, 'dan@vidan.local');
  await (await mainMenu(page)).getByRole('link', { name: 'Đội của tôi' }).click();
  await live(page);
  await page.getByLabel('Mã tham gia').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Vào đội' }).click();
  await expect(page).toHaveURL(/\/teams\/\d+$/);
  await expect(page.getByText('2/5 thành viên')).toBeVisible();
  const teamUrl = page.url();
  await page.goto('/teams');
  await expect(page.getByRole('link', { name })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'my-teams');

  // The member writes the entry, even before the page's code has arrived (held back here, as on
  // a slow phone line): once the page is live it saves itself, and survives a reload.
  let release = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(teamUrl, { waitUntil: 'domcontentloaded' });
  await page.getByLabel('Tên giải pháp').fill('Số thứ tự qua tin nhắn');
  release();
  // The page goes live only once its code has arrived and run (as `live` waits for it).
  await expect(page.getByText(/Đã lưu lúc/)).toBeVisible({ timeout: 30_000 });
  await page.unroute('**/*.wasm');
  await page.reload();
  await expect(page.getByLabel('Tên giải pháp')).toHaveValue('Số thứ tự qua tin nhắn');
  await live(page);
  // What is typed while a save is on its way (held back here) is saved after it, not taken
  // for saved when that save comes back.
  let letSaveThrough = () => {};
  const slowSave = new Promise<void>((resolve) => { letSaveThrough = resolve; });
  await page.route('**/api/entries/save', async (route) => { await slowSave; await route.continue(); });
  await page.getByLabel('Tên giải pháp').fill('Số thứ tự');
  await expect(page.getByText('Đang lưu…')).toBeVisible();
  await page.getByLabel('Tên giải pháp').fill('Số thứ tự qua tin nhắn');
  letSaveThrough();
  await expect(page.getByText(/Đã lưu lúc/)).toBeVisible();
  await page.unroute('**/api/entries/save');
  await page.reload();
  await expect(page.getByLabel('Tên giải pháp')).toHaveValue('Số thứ tự qua tin nhắn');
  await live(page);
  await page.getByRole('button', { name: 'Nộp bài' }).click();
  await expect(page.getByText('Bài chưa đủ để nộp')).toBeVisible();
  // Each missing part is marked where it is written.
  await expect(page.getByText('Cần xác nhận điều kiện và thể lệ trước khi nộp.')).toBeVisible();
  await expect(page.locator('#field-entry-summary-error')).toBeVisible();
  await page.getByLabel('Tóm tắt một đoạn').fill('Người dân lấy số và nhận tin nhắn khi sắp đến lượt, không phải đứng chờ.');
  await page.getByLabel('Giải pháp chi tiết').fill('Một máy lấy số nối với tổng đài tin nhắn; bảng điện tử ở sảnh; không cần điện thoại thông minh.');
  await page.getByLabel('Kế hoạch thí điểm').fill('Ba tháng ở bộ phận một cửa, hai quầy, đo thời gian chờ mỗi tuần.');
  await page.getByLabel('Đội đã đọc và đáp ứng điều kiện tham gia, đồng ý với thể lệ.').check();
  await expect(page.getByText(/Đã lưu lúc/)).toBeVisible();
  await page.getByRole('button', { name: 'Nộp bài' }).click();
  await expect(page.getByText('Đã nộp (1 lần)', { exact: false })).toBeVisible();

  // A pitch deck, attached after the submission, is a change the team has yet to resubmit.
  await page.getByLabel('Thêm tệp').setInputFiles({
    name: 'Thuyết trình.pdf',
    mimeType: 'application/pdf',
    buffer: onePagePdf('So thu tu qua tin nhan'),
  });
  await page.getByLabel('Cho công khai tệp này cùng bài dự thi').check();
  await page.getByRole('button', { name: 'Đính kèm' }).click();
  const files = page.getByRole('region', { name: 'Tệp đính kèm' });
  await expect(files.getByRole('link', { name: 'thuyet-trinh.pdf' })).toBeVisible();
  await expect(files.getByText('Công khai', { exact: true })).toBeVisible();
  await expect(page.getByText('có thay đổi chưa nộp lại')).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'entry-submitted');

  // The owner, in another session, edits and resubmits before the deadline.
  await signInAs(page, 'doi@vidan.local');
  await page.goto(teamUrl);
  await live(page);
  await expect(page.getByLabel('Tên giải pháp')).toHaveValue('Số thứ tự qua tin nhắn');
  await page.getByLabel('Tên giải pháp').fill('Số thứ tự và tin nhắn nhắc lượt');
  await expect(page.getByText('có thay đổi chưa nộp lại')).toBeVisible();
  await page.getByRole('button', { name: 'Nộp bài' }).click();
  await expect(page.getByText('Đã nộp (2 lần)', { exact: false })).toBeVisible();
});

test('after the deadline an entry can no longer change', async ({ page }, info) => {
  await signInAs(page, 'tuan@vidan.local');
  await page.goto('/teams');
  await page.getByRole('link', { name: 'Tổng Đài Xanh' }).click();
  await expect(page.getByText(/Đã hết hạn nộp bài lúc .*ban giám khảo chấm bản nộp sau cùng trước hạn/)).toBeVisible();
  await expect(page.getByLabel('Tên giải pháp')).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Nộp bài' })).toBeDisabled();
  await expect(page.getByText('Đã hết hạn nộp bài: không thể thêm hay gỡ tệp nữa.')).toBeVisible();
  await expect(page.getByLabel('Thêm tệp')).toHaveCount(0);
  await snap(page, info, 'entry-closed');
});
