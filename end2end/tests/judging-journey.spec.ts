import { type Page } from '@playwright/test';
import { expect, test } from './site';
// Runs in the desktop project only (see playwright.config.ts): it closes the demo challenge's
// judging for good, so a second run in the same database would find nothing left to do.
import { expectAccessible, live, signInAs, snap, mainMenu } from './helpers';

const HOTLINE = 'Tiếp nhận phản ánh qua điện thoại cho người không dùng mạng';
const CRITERIA = ['Tác động đến người dân', 'Khả thi và chi phí', 'Dễ dùng cho mọi người'];

/** Scores every criterion with the keyboard: focus the group's first point, then arrow right. */
async function scoreByKeyboard(page: Page, values: number[]) {
  for (const [i, name] of CRITERIA.entries()) {
    const group = page.getByRole('radiogroup', { name: `Điểm cho “${name}”` });
    await group.getByRole('radio').first().focus();
    await page.keyboard.press('Space');
    for (let v = 1; v < values[i]; v++) await page.keyboard.press('ArrowRight');
    await expect(group.getByRole('radio', { name: String(values[i]), exact: true })).toBeChecked();
  }
}

async function openJudgingAsAdmin(page: Page) {
  await signInAs(page, 'admin@vidan.local');
  await page.goto('/challenges');
  await page.getByRole('link', { name: HOTLINE }).first().click();
  await page.getByRole('link', { name: 'Quản lý thử thách này' }).click();
  await page.getByRole('link', { name: 'Mở trang chấm thi' }).click();
  await expect(page.getByRole('heading', { name: 'Chấm thi', level: 1 })).toBeVisible();
  await live(page);
}

test('a judge declares a conflict, scores three entries by keyboard through a dropped connection; staff close and publish; a team reads its feedback', async ({ page, context }, info) => {
  // Four people and about forty steps: close to a minute on a debug build on two cores.
  test.slow();
  // The judge declares, before any entry is shown.
  await signInAs(page, 'giamkhao@vidan.local');
  await (await mainMenu(page)).getByRole('link', { name: 'Chấm thi' }).click();
  await expect(page.getByText('Cần khai báo xung đột lợi ích')).toBeVisible();
  await page.getByRole('link', { name: HOTLINE }).click();
  await expect(page.getByRole('heading', { name: 'Khai báo xung đột lợi ích' })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: /Tổng Đài Xanh/ })).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'judging-declare');
  await live(page);
  await page.getByLabel('Đơn vị có xung đột lợi ích (không bắt buộc)').fill('Công ty Cổ phần Viễn thông Đông Nam');
  await page.getByLabel('Lý do xung đột với đơn vị này').fill('Tôi từng làm tư vấn cho công ty này.');
  await page.getByRole('button', { name: 'Xác nhận khai báo' }).click();
  await expect(page.getByText('Chưa có bài nào được giao cho bạn.')).toBeVisible();
  const queueUrl = page.url();

  // Staff assign: every entry now reaches three judges but the one with a declared conflict.
  await openJudgingAsAdmin(page);
  await page.getByRole('button', { name: 'Phân công tự động' }).click();
  // Before the click three entries were short (Phù Sa 1/3, the others 2/3): wait for the refetch.
  const short = page.locator('.alert-error li');
  await expect(short).toHaveCount(1);
  await expect(short).toHaveText(/: 2\/3 giám khảo/);
  await expect(page.getByText('Có bài chưa đủ số giám khảo:')).toBeVisible();
  // Three judges, three per entry: each judge with a declared conflict scores every other entry,
  // so the public list would tell them which is the conflicted team's, and staff are told.
  await expect(page.getByText(/Hội đồng chưa đủ người để giữ kín xung đột đã khai/)).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'judging-setup');

  // The judge scores three entries; the connection drops during the second.
  await signInAs(page, 'giamkhao@vidan.local');
  await page.goto(queueUrl);
  await expect(page.getByText('Đã chấm 0/3 bài').first()).toBeVisible();
  await expectAccessible(page);
  await page.locator('.queue-item a').first().click();
  await expect(page.getByRole('heading', { name: 'Điểm của bạn' })).toBeVisible();
  await live(page);
  await scoreByKeyboard(page, [8, 7, 9]);
  await expect(page.getByRole('status').filter({ hasText: /Đã lưu lúc/ })).toBeVisible();
  await page.getByLabel('Nhận xét chung gửi đội').fill('Rõ ràng; nên nói thêm về ca trực ngoài giờ.');
  await expectAccessible(page);
  await snap(page, info, 'judging-sheet');
  await page.getByRole('button', { name: 'Nộp điểm' }).click();
  await expect(page.getByText('Đã nộp điểm. Bạn vẫn sửa được')).toBeVisible();

  await page.getByRole('link', { name: 'Chấm bài tiếp theo →' }).click();
  await expect(page.getByText('Bài 2/3')).toBeVisible();
  await live(page);
  await scoreByKeyboard(page, [6, 6, 7]);
  await expect(page.getByRole('status').filter({ hasText: /Đã lưu lúc/ })).toBeVisible();
  await context.setOffline(true);
  const usability = page.getByRole('radiogroup', { name: `Điểm cho “${CRITERIA[2]}”` });
  await usability.getByRole('radio', { name: '9', exact: true }).focus();
  await page.keyboard.press('Space');
  await expect(page.getByText('Mất kết nối: điểm được giữ trên trang')).toBeVisible();
  await snap(page, info, 'judging-offline');
  await context.setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: /Đã lưu lúc/ })).toBeVisible({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Nộp điểm' }).click();
  await expect(page.getByText('Đã nộp điểm. Bạn vẫn sửa được')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('radiogroup', { name: `Điểm cho “${CRITERIA[2]}”` }).getByRole('radio', { name: '9', exact: true })).toBeChecked();

  // Keys pressed before the third sheet shows would land on the second: wait for it.
  await page.getByRole('link', { name: 'Chấm bài tiếp theo →' }).click();
  await expect(page.getByText('Bài 3/3')).toBeVisible();
  await live(page);
  await scoreByKeyboard(page, [5, 8, 6]);
  await page.getByRole('button', { name: 'Nộp điểm' }).click();
  await expect(page.getByText('Đã nộp điểm. Bạn vẫn sửa được')).toBeVisible();
  await page.goto(queueUrl);
  await expect(page.getByText('Đã chấm 3/3 bài').first()).toBeVisible();

  // Staff close judging, keep the awards in ranking order and publish.
  await openJudgingAsAdmin(page);
  await page.getByRole('button', { name: 'Kết thúc chấm và tính kết quả' }).click();
  await expect(page.getByRole('heading', { name: 'Kết quả', exact: true })).toBeVisible();
  await live(page);
  await page.getByRole('button', { name: 'Lưu giải thưởng' }).click();
  await expect(page.getByRole('cell', { name: 'Giải nhất' })).toBeVisible();
  await page.getByRole('button', { name: 'Công bố kết quả' }).click();
  await expect(page.getByText(/Đã công bố kết quả lúc/)).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'judging-results-staff');

  // Everyone reads the results; a team reads what its judges wrote.
  await page.context().clearCookies();
  await page.goto('/challenges');
  await page.getByRole('link', { name: HOTLINE }).first().click();
  await page.getByRole('link', { name: 'Xem trang kết quả' }).click();
  await expect(page.getByRole('heading', { name: `Kết quả: ${HOTLINE}` })).toBeVisible();
  await expect(page.getByText('Giải nhất').first()).toBeVisible();
  await expectAccessible(page);
  await snap(page, info, 'results');
  await signInAs(page, 'tuan@vidan.local');
  await page.goto('/teams');
  await page.getByRole('link', { name: 'Tổng Đài Xanh' }).click();
  await expect(page.getByRole('heading', { name: 'Nhận xét của ban giám khảo' })).toBeVisible();
  await expect(page.getByText('Rõ ràng; nên nói thêm về ca trực ngoài giờ.').or(page.getByText('Giải quyết đúng chỗ đau: cuộc gọi nhỡ.')).first()).toBeVisible();
});

