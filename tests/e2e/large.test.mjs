// 100,000 deals in the browser: the import accounts for every row, the team's figures are drawn, and the
// "show the math" drawer behind opportunities created keeps only the rows in view in the DOM (virtualised)
// while scrolling to the last of the 100,000 records. Times are printed, never asserted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, closeClean, launchBrowser, openApp } from './harness.mjs';
import { startServer } from './server.mjs';

const DEALS = 100_000;
let browser;
let served;
let dir;

before(async () => {
  served = await startServer(DIST, '/a/b/');
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'pipelens-large-'));
});

after(async () => {
  await browser?.close();
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A seeded Salesforce-report-style deals export: 40 reps, 2025–2026, all created in 2026-Q1. */
function dealsCsv() {
  let seed = 7;
  const next = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const lines = ['Opportunity ID,Opportunity Name,Opportunity Owner,Amount,Created Date,Close Date,Stage'];
  for (let i = 0; i < DEALS; i++) {
    const created = new Date(Date.UTC(2026, 0, 1 + next(80)));
    const close = new Date(created.getTime() + (5 + next(120)) * 86_400_000);
    const stage = ['Closed Won', 'Closed Lost', 'Closed Lost', 'Proposal', 'Qualification'][next(5)];
    const d = (x) => x.toISOString().slice(0, 10);
    lines.push(`L${i},Deal ${i},Rep ${String(next(40)).padStart(2, '0')},${1000 + next(90000)},${d(created)},${d(close)},${stage}`);
  }
  return lines.join('\n') + '\n';
}

test('100,000 deals: every row accounted for, figures drawn, the drawer stays virtualised', async () => {
  const path = join(dir, 'large-deals.csv');
  writeFileSync(path, dealsCsv());
  const { context, seen, app } = await openApp(browser, served, { viewport: { width: 1280, height: 900 } });
  await app.open('?view=import&period=2026-Q1&asof=2026-03-31');
  let t = Date.now();
  await app.importFiles([path]);
  console.log(`import of ${DEALS} deals: ${Date.now() - t} ms`);
  assert.equal(await app.cards().first().getByTestId('file-rows').textContent(), DEALS.toLocaleString('en-US'));

  t = Date.now();
  await app.nav('people').click();
  await app.page.getByTestId('team-strip').waitFor({ timeout: 120_000 });
  console.log(`People drawn: ${Date.now() - t} ms`);
  assert.equal((await app.page.getByTestId('strip-opps_created').locator('.stat-value').textContent()).trim(), DEALS.toLocaleString('en-US'));

  t = Date.now();
  await app.page.getByTestId('strip-opps_created').locator('button.figure').click();
  const records = app.page.getByTestId('math-records');
  await records.locator('tbody tr').nth(3).waitFor({ timeout: 120_000 });
  console.log(`drawer with ${DEALS} records: ${Date.now() - t} ms`);
  assert.match(await app.page.getByTestId('math-count').textContent(), /^100,000 records/);
  const domRows = () => records.locator('tbody tr:not([aria-hidden])').count();
  assert.ok(await domRows() <= 40, `${await domRows()} rows in the DOM`);
  // Scroll to the end: other records are drawn in place of the first ones, and still only a window of rows.
  const ids = () => records.locator('tbody tr:not([aria-hidden]) td:first-child').allTextContents();
  const firstWindow = await ids();
  await app.page.locator('.records').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await app.page.waitForFunction(() => {
    const el = document.querySelector('.records');
    const rows = [...document.querySelectorAll('[data-testid="math-records"] tbody tr:not([aria-hidden])')];
    return el.scrollTop > 0 && el.scrollTop + el.clientHeight >= el.scrollHeight - 2
      && rows.length > 0 && rows.every((r) => /^L\d+$/.test(r.cells[0]?.textContent ?? ''));
  }, null, { timeout: 30_000 });
  assert.ok(await domRows() <= 40, `${await domRows()} rows in the DOM after scrolling`);
  const lastWindow = await ids();
  assert.equal(lastWindow.filter((id) => firstWindow.includes(id)).length, 0, 'the last window shows other records');
  await app.page.keyboard.press('Escape');
  await closeClean(context, seen);
});
