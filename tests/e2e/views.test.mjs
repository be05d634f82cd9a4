// The five foundation views on the demo team: one click loads it, every view draws its numbers with no
// console error and no request but the app's own files, figures match the CLI on the same exports, every
// figure opens its math (by mouse and by keyboard), tables sort, and the views are photographed at two widths
// in light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppPage, REPO, closeClean, openApp, plain, servedApp, watch } from './harness.mjs';

const AS_OF = '2026-03-15';
const VIEWS = ['people', 'planning', 'process', 'pipeline', 'performance', 'forecast'];
// What each view must show on the demo team (data-testids).
const SHOWS = {
  people: ['team-strip', 'team-table'],
  planning: ['attainment', 'plan-table'],
  process: ['funnel', 'transition-matrix', 'time-in-stage', 'small-multiples'],
  pipeline: ['coverage', 'stage-month-table', 'aging', 'stale-list', 'past-due-list', 'created'],
  performance: ['bookings-by-month', 'attainment-per-rep', 'trends', 'leaderboard', 'forecast', 'forecast-most-likely'],
  forecast: ['forecast-strip', 'forecast-deals'],
};

const env = servedApp();

/** The CLI's report of the same demo files, as JSON. */
function cliReport() {
  const cli = join(REPO, 'target/debug/pipelens');
  assert.ok(existsSync(cli), `${cli} is built by the native test stage before the e2e tests`);
  const dir = mkdtempSync(join(tmpdir(), 'pipelens-demo-'));
  try {
    execFileSync(cli, ['demo', dir, '--as-of', AS_OF]);
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => join(dir, f));
    const out = execFileSync(cli, ['report', ...files, '--as-of', AS_OF, '--period', 'this-quarter', '--format', 'json'],
      { maxBuffer: 256 * 1024 * 1024 });
    return JSON.parse(out.toString());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the demo team loads in one click and every view draws its numbers, privately and without errors', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=people&asof=${AS_OF}`);
  assert.match(await app.page.getByTestId('dataset-chip').textContent(), /^Demo data · \d+ files · [\d,]+ deals · 12 reps/);
  assert.match(await app.page.getByTestId('as-of').textContent(), /15 Mar 2026/);

  for (const view of VIEWS) {
    await app.nav(view).click();
    await app.page.getByTestId(`view-${view}`).waitFor();
    for (const id of SHOWS[view]) {
      await app.page.getByTestId(id).first().waitFor({ timeout: 30_000 });
    }
    assert.equal(await app.page.getByTestId('view-error').count(), 0, `${view} shows an error`);
    assert.equal(await app.page.getByTestId('needs-data').count(), 0, `${view} still asks for data`);
    await app.page.waitForTimeout(300);
    await app.screenshot(`demo-${view}-1280`);
  }
  // The rep page of the busy rep who does not convert.
  await app.nav('people').click();
  await app.page.getByTestId('team-table').getByRole('link', { name: 'Tyler Brooks' }).click();
  await app.page.getByTestId('scorecard').waitFor();
  assert.equal(await app.page.getByTestId('rep-name').textContent(), 'Tyler Brooks');
  for (const id of ['rep-funnel', 'rep-trends', 'activity-heat', 'rep-hygiene']) {
    await app.page.getByTestId(id).first().waitFor({ timeout: 30_000 });
  }
  await app.page.getByTestId('rep-open-deals').locator('tbody tr').first().waitFor({ timeout: 30_000 });
  assert.ok(await app.page.getByTestId('rep-open-deals').locator('tbody tr').count() > 0, 'the rep has open deals listed');
  await app.screenshot('demo-rep-1280');
  await app.page.goBack();
  await app.page.getByTestId('team-table').waitFor();

  assert.deepEqual(seen.violations, [], 'requests other than GETs of the app\'s own files');
  assert.deepEqual(seen.consoleErrors, [], 'console errors');
  await context.close();
});

test('the figures on screen are the CLI\'s figures for the same exports', async () => {
  const report = cliReport();
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const app = new AppPage(await context.newPage(), env.served);
  await app.loadDemo(`?view=people&asof=${AS_OF}`);
  const money = (v) => Math.round(v).toLocaleString('en-US');
  const pct = (v) => `${(v * 100).toFixed(1)}%`;
  const strip = (id) => app.page.getByTestId(`strip-${id}`).locator('.stat-value');
  assert.equal(plain(await strip('bookings').textContent()), money(report.team.bookings));
  assert.equal(plain(await strip('win_rate').textContent()), pct(report.team.win_rate));
  // Every rep's row: bookings and win rate as the CLI computed them.
  const table = app.page.getByTestId('team-table');
  for (const rep of report.reps.filter((r) => r.bookings !== null && r.win_rate !== null)) {
    const row = table.locator('tbody tr', { has: app.page.getByRole('link', { name: rep.rep, exact: true }) });
    const cells = (await row.locator('td, th').allTextContents()).map(plain);
    assert.ok(cells.includes(money(rep.bookings)), `${rep.rep}: ${cells.join(' | ')} lacks bookings ${money(rep.bookings)}`);
    assert.ok(cells.includes(pct(rep.win_rate)), `${rep.rep}: ${cells.join(' | ')} lacks win rate ${pct(rep.win_rate)}`);
  }
  await context.close();
});

test('every figure opens its math with the deals behind it; Esc closes it; tables sort', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=people&asof=${AS_OF}`);
  const table = app.page.getByTestId('team-table');

  // Mouse: a rep's win rate.
  const row = table.locator('tbody tr').first();
  const figure = row.locator('button.figure').nth(2);
  await figure.click();
  const records = app.page.getByTestId('math-records');
  await records.locator('tbody tr').nth(1).waitFor({ timeout: 30_000 });
  const drawer = app.page.locator('.drawer');
  assert.match(plain(await drawer.textContent()), /Win rate/);
  await app.screenshot('demo-math-drawer-1280');
  await app.page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'detached' });
  assert.equal(await app.page.evaluate(() => document.activeElement?.classList.contains('figure')), true, 'focus returns to the figure');

  // Keyboard: Enter on a focused figure opens the drawer too.
  await app.page.getByTestId('strip-bookings').locator('button.figure').focus();
  await app.page.keyboard.press('Enter');
  await records.waitFor({ timeout: 30_000 });
  assert.match(plain(await drawer.textContent()), /Bookings/);
  await app.page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'detached' });

  // Sorting by bookings, descending then ascending; pinned rows stay at the bottom.
  const header = table.locator('thead button', { hasText: 'Bookings' });
  const bookings = async () => (await table.locator('tbody tr').allTextContents());
  await header.click();
  const first = await bookings();
  await header.click();
  const second = await bookings();
  assert.notDeepEqual(first, second, 'sorting changes the order');
  assert.match(second.at(-1), /^Team/);
  assert.match(first.at(-1), /^Team/);

  await closeClean(context, seen);
});

test('a drill-down\'s rows sum to the number that opened it', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const app = new AppPage(await context.newPage(), env.served);
  await app.loadDemo(`?view=people&asof=${AS_OF}`);
  const table = app.page.getByTestId('team-table');
  // Bookings (third cell) of every rep row: the drawer's records sum to the figure; the count of won deals too.
  const rows = await table.locator('tbody tr:not(.pinned)').count();
  let checked = 0;
  for (let i = 0; i < rows; i++) {
    const cell = table.locator('tbody tr:not(.pinned)').nth(i).locator('td').nth(1);
    const figure = plain(await cell.textContent());
    if (figure === '0' || figure === '—') continue;
    await cell.locator('button.figure').click();
    const count = app.page.getByTestId('math-count');
    await count.waitFor({ timeout: 30_000 });
    assert.match(plain(await count.textContent()), new RegExp(`sum to ${figure.replace(/[.,]/g, '\\$&')}$`));
    await app.page.keyboard.press('Escape');
    await app.page.locator('.drawer').waitFor({ state: 'detached' });
    checked += 1;
  }
  assert.ok(checked >= 8, `checked ${checked} reps`);
  await context.close();
});

test('keyboard only: People, a rep page, the drawer, and back', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const app = new AppPage(await context.newPage(), env.served);
  await app.loadDemo(`?view=people&asof=${AS_OF}`);
  const focused = () => app.page.evaluate(() => ({
    text: document.activeElement?.textContent?.trim(),
    testid: document.activeElement?.dataset?.testid,
    figure: document.activeElement?.classList.contains('figure'),
    tag: document.activeElement?.tagName,
  }));
  const tabTo = async (test, limit = 120) => {
    for (let i = 0; i < limit; i++) {
      await app.page.keyboard.press('Tab');
      if (test(await focused())) return true;
    }
    return false;
  };
  assert.ok(await tabTo((f) => f.tag === 'A' && f.text === 'Aisha Rahman'), 'a rep link takes focus');
  await app.page.keyboard.press('Enter');
  await app.page.getByTestId('scorecard').waitFor();
  assert.equal(await app.page.getByTestId('rep-name').textContent(), 'Aisha Rahman');
  assert.ok(await tabTo((f) => f.figure), 'a figure on the rep page takes focus');
  // Its definition shows on focus, as on hover.
  const shown = await app.page.evaluate(() => getComputedStyle(document.activeElement, '::after').content);
  const title = await app.page.evaluate(() => document.activeElement.getAttribute('title'));
  assert.ok(title && title.length > 10, `the figure has a definition: ${title}`);
  assert.equal(shown, JSON.stringify(title));
  await app.page.keyboard.press('Enter');
  await app.page.getByTestId('math-records').waitFor({ timeout: 30_000 });
  await app.page.keyboard.press('Escape');
  await app.page.locator('.drawer').waitFor({ state: 'detached' });
  assert.equal((await focused()).figure, true, 'focus returns to the figure');
  // The back link sits above the figures: Shift+Tab walks up to it.
  let back = false;
  for (let i = 0; i < 120 && !back; i++) {
    await app.page.keyboard.press('Shift+Tab');
    back = (await focused()).testid === 'back-to-team';
  }
  assert.ok(back, 'Shift+Tab reaches the link back to the team');
  await app.page.keyboard.press('Enter');
  await app.page.getByTestId('team-table').waitFor();
  await context.close();
});

test('the demo team downloaded as Salesforce CSVs and imported back gives the same numbers', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await app.loadDemo(`?view=people&asof=${AS_OF}`);
  const strip = async (id) => plain(await app.page.getByTestId(`strip-${id}`).locator('.stat-value').textContent());
  const demo = { bookings: await strip('bookings'), win: await strip('win_rate'), opps: await strip('opps_created') };

  await app.nav('import').click();
  const downloads = [];
  app.page.on('download', (d) => downloads.push(d));
  await app.page.getByTestId('demo-salesforce').click();
  await app.page.waitForFunction(() => true);
  for (let i = 0; i < 50 && downloads.length < 5; i++) await app.page.waitForTimeout(100);
  assert.ok(downloads.length >= 4, `${downloads.length} files downloaded`);
  const dir = mkdtempSync(join(tmpdir(), 'pipelens-dl-'));
  const paths = [];
  for (const d of downloads) {
    const path = join(dir, d.suggestedFilename());
    await d.saveAs(path);
    paths.push(path);
  }
  assert.ok(paths.every((p) => p.endsWith('.csv')), paths.join(', '));

  // Forget the demo, import the downloaded files like any export.
  await app.page.getByTestId('forget-data').click();
  await app.importFiles(paths);
  assert.equal(await app.cards().count(), paths.length);
  assert.doesNotMatch(await app.page.getByTestId('dataset-chip').textContent(), /Demo data/);
  await app.nav('people').click();
  await app.page.getByTestId('team-strip').waitFor({ timeout: 60_000 });
  assert.deepEqual(
    { bookings: await strip('bookings'), win: await strip('win_rate'), opps: await strip('opps_created') }, demo);
  rmSync(dir, { recursive: true, force: true });
  await closeClean(context, seen);
});

test('the header filters: deal type, rep, and a period the app cannot read', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=people&asof=${AS_OF}`);
  const bookings = async () => plain(await app.page.getByTestId('strip-bookings').locator('.stat-value').textContent());
  const all = await bookings();
  await app.page.getByTestId('type-filter').selectOption('renewal');
  await app.page.waitForURL(/type=renewal/);
  await app.page.waitForFunction((v) => document.querySelector('[data-testid="strip-bookings"] .stat-value')?.textContent.trim() !== v, all);
  await app.page.goBack();
  await app.page.waitForFunction((v) => document.querySelector('[data-testid="strip-bookings"] .stat-value')?.textContent.trim() === v, all);

  await app.page.getByTestId('rep-filter').selectOption('Tyler Brooks');
  await app.page.getByTestId('scorecard').waitFor();
  assert.equal(await app.page.getByTestId('rep-name').textContent(), 'Tyler Brooks');

  await app.open('?view=people&period=someday');
  assert.match(await app.page.getByTestId('period-invalid').textContent(), /'someday' is not a period/);
  await app.page.getByTestId('custom-period').fill('2026-Q1');
  await app.page.getByTestId('custom-period').press('Enter');
  await app.page.waitForURL(/period=2026-Q1/);
  assert.equal(await app.page.getByTestId('period-invalid').count(), 0);
  await closeClean(context, seen);
});

test('the views at 1920 wide and in dark mode', async () => {
  for (const [width, scheme] of [[1920, 'light'], [1280, 'dark'], [1920, 'dark']]) {
    const context = await env.browser.newContext({ viewport: { width, height: 1000 }, colorScheme: scheme });
    const seen = watch(context, env.served);
    const app = new AppPage(await context.newPage(), env.served);
    await app.loadDemo(`?view=people&asof=${AS_OF}`);
    for (const view of VIEWS) {
      await app.nav(view).click();
      await app.page.getByTestId(SHOWS[view][0]).first().waitFor({ timeout: 30_000 });
      await app.page.waitForTimeout(300);
      await app.screenshot(`demo-${view}-${width}-${scheme}`);
    }
    assert.deepEqual(seen.consoleErrors, []);
    await context.close();
  }
});
