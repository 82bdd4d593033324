import { type APIResponse } from '@playwright/test';
import { expect, test } from './site';
// Runs in the desktop project only (see playwright.config.ts), before the judging journey closes
// the demo panel (files run in name order): once a panel closes, teams are named again.
import { live, signInAs, snap, mainMenu } from './helpers';

const HOTLINE = 'Tiếp nhận phản ánh qua điện thoại cho người không dùng mạng';
const SLUG = 'tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang';
// Every way the demo's competing teams could be named: their names, organisations, join codes,
// and the ASCII forms a file name or a PDF would carry.
const TELLING = [
  'Tổng Đài Xanh', 'Nhóm Phù Sa', 'Nhóm Gọi Lại', 'Kết Nối 1022',
  'Công ty TNHH Giải pháp Xanh', 'Hợp tác xã Công nghệ Phù Sa', 'Trường Cao đẳng Nghề Tây Ninh', 'Công ty Cổ phần Viễn thông Đông Nam',
  'XANH2026', 'PHUSA026', 'GOILAI26', 'KN102226',
  'tong-dai-xanh', 'Tong Dai Xanh', 'phu-sa', 'goi-lai', 'ket-noi',
];

function namesNobody(text: string, where: string) {
  for (const name of TELLING) expect(text, `${where} names “${name}”`).not.toContain(name);
}

async function read(response: APIResponse): Promise<string> {
  const headers = Object.entries(response.headers()).map(([k, v]) => `${k}: ${v}`).join('\n');
  return `${headers}\n${(await response.body()).toString('latin1')}${await response.text()}`;
}

test('a judge on a blind panel cannot learn whose entry they score, by any route they can reach', async ({ page }, info) => {
  test.slow();
  await signInAs(page, 'hang@vidan.local');
  await (await mainMenu(page)).getByRole('link', { name: 'Chấm thi' }).click();
  await page.getByRole('link', { name: HOTLINE }).click();
  await expect(page.getByText('Chấm ẩn danh', { exact: false }).first()).toBeVisible();
  // The queue lists codes and titles; the teams it also carries (for declaring conflicts) are
  // never beside an entry.
  namesNobody(await page.locator('main').innerText(), 'the queue');
  // …and by a token, not by the number that would line up with an entry's.
  expect(await page.content()).not.toContain('team_id');

  // Every entry the judge is given: the sheet, its files under any name, and what the page loads.
  const sheets = await page.locator('.queue-item a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
  expect(sheets.length).toBeGreaterThan(1);
  const titles: string[] = [];
  let files = 0;
  for (const sheet of sheets) {
    const calls: Promise<string>[] = [];
    const listen = (r: import('@playwright/test').Response) => { if (r.url().includes('/api/')) calls.push(r.text().catch(() => '')); };
    page.on('response', listen);
    await page.goto(sheet);
    await expect(page.getByRole('heading', { name: 'Điểm của bạn' })).toBeVisible();
    await live(page);
    page.off('response', listen);
    namesNobody(await page.content(), `the sheet ${sheet}`);
    for (const body of await Promise.all(calls)) namesNobody(body, `what the sheet ${sheet} loaded`);
    titles.push((await page.locator('h1').innerText()).replace(/^\S+\s+/, '').trim());
    for (const href of await page.locator('.files a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute('href')!))) {
      const id = href.split('/')[2];
      for (const url of [href, `/files/${id}/tong-dai-xanh-thuyet-trinh.pdf`, `/files/${id}/x`]) {
        const got = await page.request.get(url);
        expect(got.status(), url).toBe(200);
        namesNobody(await read(got), `the file ${url}`);
        files++;
      }
    }
  }
  expect(files, 'a deck was among the entries').toBeGreaterThan(0);
  await snap(page, info, 'judging-blind-sheet');

  // Public pages and open data may show an entry, never with its team.
  const paired = async (where: string, response: APIResponse) => {
    const text = await read(response);
    if (titles.some((title) => text.includes(title))) namesNobody(text, where);
  };
  for (const path of [
    `/challenges/${SLUG}`, `/challenges/${SLUG}/entries`, `/challenges/${SLUG}/results`, '/challenges', '/open-data', '/',
    `/api/v1/challenges/${SLUG}`, `/api/v1/challenges/${SLUG}/entries`, `/api/v1/challenges/${SLUG}/entries.csv`,
    `/api/v1/challenges/${SLUG}/votes`, `/api/v1/challenges/${SLUG}/results`, `/api/v1/challenges.csv`, '/api/v1/dashboard',
  ]) {
    await paired(path, await page.request.get(path));
  }
  // Guessing: team pages and the entry of every team number, as the judge.
  for (let id = 1; id <= 40; id++) {
    await paired(`/teams/${id}`, await page.request.get(`/teams/${id}`));
    const entry = await page.request.post('/api/entries/get', { form: { team_id: String(id) }, headers: { accept: 'application/json' } });
    expect(entry.status(), `the entry of team ${id}`).toBeGreaterThanOrEqual(400);
  }
  await page.goto(`/challenges/${SLUG}/entries`);
  await expect(page.getByText(titles[0]).first()).toBeVisible();
  namesNobody(await page.content(), 'the public entries page');
});
