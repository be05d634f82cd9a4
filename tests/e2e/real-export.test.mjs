// A real export in the browser: the pseudonymized Salesforce org backup (ISO-8859-1, Spanish stages, four
// currencies) from ../shared, picked as a user would pick it, gives on People the same team and per-rep
// figures as `pipelens report` on the same files. Skips with a notice when ../shared is absent (a fresh
// clone), unless PIPELENS_REQUIRE_SHARED=1 (CI), where its absence fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, REPO, closeClean, launchBrowser, openApp, plain } from './harness.mjs';
import { startServer } from './server.mjs';

const LATAM = join(REPO, '../shared/data/real/salesforce-export-latam');
const PERIOD = '2023-Q2';
const AS_OF = '2023-06-30';
const present = existsSync(LATAM);
if (!present) {
  if (process.env.PIPELENS_REQUIRE_SHARED === '1') throw new Error(`${LATAM} is required (PIPELENS_REQUIRE_SHARED=1)`);
  console.log(`skipping: ${LATAM} not found`);
}

let browser;
let served;

before(async () => {
  if (!present) return;
  served = await startServer(DIST, '/a/b/');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await served?.close();
});

const money = (v) => (v === null ? '—' : Math.round(v).toLocaleString('en-US'));
const pct = (v) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

test('the LATAM Salesforce backup gives the CLI\'s figures on People', { skip: !present }, async () => {
  const files = readdirSync(LATAM).filter((f) => f.endsWith('.csv')).map((f) => join(LATAM, f));
  const cli = join(REPO, 'target/debug/pipelens');
  assert.ok(existsSync(cli), `${cli} is built by the native test stage before the e2e tests`);
  const report = JSON.parse(execFileSync(cli, ['report', ...files, '--period', PERIOD, '--as-of', AS_OF, '--format', 'json'],
    { maxBuffer: 256 * 1024 * 1024 }).toString());

  const { context, seen, app } = await openApp(browser, served, { viewport: { width: 1280, height: 900 } });
  await app.open(`?view=import&period=${PERIOD}&asof=${AS_OF}`);
  await app.importFiles(files);
  assert.equal(await app.cards().count(), files.length);
  // Every card says what `pipelens import` says of the same file.
  const imported = JSON.parse(execFileSync(cli, ['import', ...files, '--format', 'json'], { maxBuffer: 256 * 1024 * 1024 }).toString());
  const count = (n) => n.toLocaleString('en-US');
  for (const f of imported.files) {
    const card = app.cards().filter({ has: app.page.locator('h2.file-name', { hasText: new RegExp(`^${f.file.replace('.', '\\.')}$`) }) });
    assert.equal(await card.count(), 1, f.file);
    assert.equal(await card.getByTestId('file-encoding').textContent(), f.encoding, `${f.file} encoding`);
    assert.equal(await card.getByTestId('file-rows-read').textContent(), count(f.rows_read), `${f.file} rows read`);
    assert.equal(await card.getByTestId('file-rows').textContent(), count(f.rows_accepted), `${f.file} accepted`);
    assert.equal(await card.getByTestId('file-rows-rejected').textContent(), count(f.rows_rejected), `${f.file} rejected`);
    assert.equal(await card.getByTestId('file-rows-skipped').textContent(), count(f.rows_skipped), `${f.file} skipped`);
    assert.equal(f.rows_read, f.rows_accepted + f.rows_rejected + f.rows_skipped, f.file);
  }
  // What the files can show: this backup has stage history and activities.
  const shows = plain(await app.page.getByTestId('coverage-of-files').textContent());
  assert.match(shows, /Stage history: [\d,]+ rows/);
  assert.match(shows, /Activities: [\d,]+/);
  await app.nav('people').click();
  await app.page.getByTestId('team-table').waitFor({ timeout: 60_000 });
  const strip = (id) => app.page.getByTestId(`strip-${id}`).locator('.stat-value');
  assert.equal(plain(await strip('bookings').textContent()), money(report.team.bookings));
  assert.equal(plain(await strip('win_rate').textContent()), pct(report.team.win_rate));
  // Amounts without a rate are said, currency by currency, as the CLI counts them.
  for (const u of report.money.unconverted) {
    assert.match(await app.page.getByTestId('unconverted').textContent(), new RegExp(`${u.deals} deals in ${u.currency}`));
  }
  const table = app.page.getByTestId('team-table');
  let compared = 0;
  for (const rep of report.reps.filter((r) => r.bookings !== null && r.win_rate !== null)) {
    const row = table.locator('tbody tr', { has: app.page.getByRole('link', { name: rep.rep, exact: true }) });
    if (await row.count() === 0) continue;
    const cells = (await row.first().locator('td, th').allTextContents()).map(plain);
    assert.ok(cells.includes(money(rep.bookings)), `${rep.rep}: ${cells.join(' | ')} lacks bookings ${money(rep.bookings)}`);
    assert.ok(cells.includes(pct(rep.win_rate)), `${rep.rep}: ${cells.join(' | ')} lacks win rate ${pct(rep.win_rate)}`);
    compared += 1;
  }
  assert.ok(compared >= 3, `compared ${compared} reps`);
  await app.screenshot('latam-people-1280');

  // Rates typed in: every currency converts, the note goes, and bookings equal the CLI's with the same rates.
  const rates = 'COP,0.00025\nMXN,0.055\nPEN,0.27';
  const ratesFile = join(mkdtempSync(join(tmpdir(), 'pipelens-rates-')), 'rates.csv');
  writeFileSync(ratesFile, rates + '\n');
  const converted = JSON.parse(execFileSync(cli, ['report', ...files, '--period', PERIOD, '--as-of', AS_OF, '--rates', ratesFile, '--format', 'json'],
    { maxBuffer: 256 * 1024 * 1024 }).toString());
  assert.deepEqual(converted.money.unconverted, []);
  await app.nav('import').click();
  await app.page.getByTestId('rates').fill(rates);
  await app.page.getByTestId('rates').blur();
  await app.nav('people').click();
  await app.page.getByTestId('team-strip').waitFor();
  await app.page.waitForFunction((v) => document.querySelector('[data-testid="strip-bookings"] .stat-value')?.textContent.trim() === v,
    money(converted.team.bookings), { timeout: 30_000 });
  assert.equal(await app.page.getByTestId('unconverted').count(), 0);
  for (const view of ['process', 'pipeline']) {
    await app.nav(view).click();
    await app.page.getByTestId(`view-${view}`).waitFor();
    await app.page.waitForTimeout(1500);
    assert.equal(await app.page.getByTestId('view-error').count(), 0);
    await app.screenshot(`latam-${view}-1280`);
  }
  await closeClean(context, seen);
});

test('the LATAM backup\'s forecast mid-month: the CLI\'s number, a range and the backtest, no console error', { skip: !present }, async () => {
  const files = readdirSync(LATAM).filter((f) => f.endsWith('.csv')).map((f) => join(LATAM, f));
  const cli = join(REPO, 'target/debug/pipelens');
  const rates = 'COP,0.00025\nMXN,0.055\nPEN,0.27';
  const ratesFile = join(mkdtempSync(join(tmpdir(), 'pipelens-rates-')), 'rates.csv');
  writeFileSync(ratesFile, rates + '\n');
  const [month, asOf] = ['2023-06', '2023-06-12'];
  const forecast = JSON.parse(execFileSync(cli, ['forecast', ...files, '--period', month, '--as-of', asOf, '--rates', ratesFile, '--format', 'json'],
    { maxBuffer: 256 * 1024 * 1024 }).toString());
  const { context, seen, app } = await openApp(browser, served, { viewport: { width: 1280, height: 900 } });
  await app.open(`?view=import&period=${month}&asof=${asOf}`);
  await app.importFiles(files);
  await app.page.getByTestId('rates').fill(rates);
  await app.page.getByTestId('rates').blur();
  await app.nav('performance').click();
  const most = app.page.getByTestId('forecast-most-likely');
  await most.waitFor({ timeout: 120_000 });
  await app.page.waitForFunction((v) => document.querySelector('[data-testid="forecast-most-likely"]')?.textContent.trim() === v,
    money(forecast.team.p50), { timeout: 60_000 });
  const range = plain(await app.page.locator('.forecast-range').textContent());
  assert.equal(range, `P10–P90: ${money(forecast.team.p10)} – ${money(forecast.team.p90)}`);
  assert.ok(forecast.team.p90 > forecast.team.p10, 'a range, not a point');
  await app.page.getByTestId('forecast-tested').locator(':scope > summary').click();
  assert.equal(await app.page.getByTestId('forecast-backtest').locator('tbody tr').count(), forecast.tested.methods.length);
  await app.page.getByTestId('forecast').scrollIntoViewIfNeeded();
  await app.screenshot('latam-forecast-1280');
  await closeClean(context, seen);
});
