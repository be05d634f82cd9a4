// The forecast in the app, on the demo team, against `pipelens forecast --format json` of the demo's own
// export files (same seed, same as-of day): the panel's most likely number, range and chance of quota; the
// fan chart and the backtest table; the Forecast view's deal list (every page) and its Commit-at-risk filter;
// the filter surviving a reload through the URL; the deal drawer, by keyboard; the CSV export; a rep's page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, closeClean, openApp, plain, servedApp } from './harness.mjs';

const AS_OF = '2026-03-15';
const env = servedApp();

const money = (v) => (v === null ? '—' : Math.round(v).toLocaleString('en-US'));
const pct = (v) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** `pipelens forecast` of the demo's files, as JSON. */
function cliForecast() {
  const cli = join(REPO, 'target/debug/pipelens');
  const dir = mkdtempSync(join(tmpdir(), 'pipelens-demo-'));
  try {
    execFileSync(cli, ['demo', dir, '--as-of', AS_OF]);
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => join(dir, f));
    const out = execFileSync(cli, ['forecast', ...files, '--as-of', AS_OF, '--period', 'this-quarter', '--format', 'json'],
      { maxBuffer: 256 * 1024 * 1024 });
    return JSON.parse(out.toString());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The deal ids of the list on screen, page after page (back on page 1 at the end). */
async function listedIds(page, testid) {
  const ids = [];
  for (;;) {
    const table = page.getByTestId(testid);
    await table.waitFor({ timeout: 60_000 });
    ids.push(...await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.deal)));
    const next = page.getByRole('button', { name: 'Next' });
    if (await next.count() === 0 || await next.isDisabled()) break;
    const before = await page.getByTestId('deal-page').textContent();
    await next.click();
    await page.waitForFunction((b) => document.querySelector('[data-testid="deal-page"]')?.textContent !== b, before);
  }
  return ids;
}

test('the forecast panel, its fan chart and its backtest are the CLI\'s forecast of the same exports', async () => {
  const expected = cliForecast();
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=performance&asof=${AS_OF}`);
  const most = app.page.getByTestId('forecast-most-likely');
  await most.waitFor({ timeout: 60_000 });
  const t = expected.team;
  assert.equal(plain(await most.textContent()), money(t.p50), 'most likely on screen vs the CLI');
  assert.equal(plain(await app.page.locator('.forecast-range').textContent()), `P10–P90: ${money(t.p10)} – ${money(t.p90)}`);
  const facts = plain(await app.page.locator('.forecast-facts').textContent());
  assert.ok(facts.includes(`${pct(t.chance_of_quota)} of ${money(t.quota)}`), `chance of quota in: ${facts}`);
  assert.match(await app.page.getByTestId('forecast-accuracy').textContent(), /off by|Too little history/);
  assert.equal(await app.page.getByTestId('forecast-reps').locator('tbody tr').count(), expected.reps.length + 1);
  // The fan: drawn, and its data table holds the CLI's points, the last at the period's range.
  assert.ok(expected.fan.length > 1, 'the demo\'s quarter has a fan');
  await app.page.getByTestId('forecast-fan').waitFor();
  const fanRows = app.page.getByTestId('forecast-fan-table').locator('tbody tr');
  assert.equal(await fanRows.count(), expected.fan.length, 'a row per point of the fan');
  const last = (await fanRows.last().locator('td').allTextContents()).map(plain);
  assert.equal(last[3], money(expected.fan[expected.fan.length - 1].p50), 'the fan ends at the period\'s most likely');
  assert.equal(last[3], money(t.p50));
  // How it was tested: the backtest table, a row per method.
  await app.page.getByTestId('forecast-tested').locator(':scope > summary').click();
  const methods = app.page.getByTestId('forecast-backtest').locator('tbody tr');
  assert.equal(await methods.count(), expected.tested.methods.length);
  await app.page.getByTestId('forecast').scrollIntoViewIfNeeded();
  await app.screenshot('demo-forecast-panel-1280');
  await closeClean(context, seen);
});

test('the Forecast view lists the CLI\'s deals; Commit at risk narrows to its flagged deals and survives a reload', async () => {
  const expected = cliForecast();
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=people&asof=${AS_OF}`);
  await app.nav('forecast').click();
  await app.page.getByTestId('view-forecast').waitFor();
  const all = await listedIds(app.page, 'forecast-deals');
  assert.deepEqual(all, expected.deals.map((d) => d.id), 'every deal the CLI lists, in its order');
  await app.screenshot('demo-forecast-view-1280');

  const atRisk = expected.deals.filter((d) => d.flags.includes('commit_at_risk')).map((d) => d.id);
  assert.ok(atRisk.length > 0, 'the demo has Commit deals at risk');
  await app.page.getByTestId('deal-filter-commit-at-risk').click();
  await app.page.waitForURL(/filter=commit-at-risk/);
  await app.page.waitForFunction((ids) => JSON.stringify([...document.querySelectorAll('[data-testid="forecast-deals"] tbody tr')].map((r) => r.dataset.deal)) === JSON.stringify(ids.slice(0, 50)), atRisk);
  assert.deepEqual(await listedIds(app.page, 'forecast-deals'), atRisk);
  assert.equal(await app.page.getByTestId('deal-filter-commit-at-risk').getAttribute('aria-pressed'), 'true');

  // The export: every kept deal, formula-safe.
  const [download] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.getByTestId('deals-csv').click(),
  ]);
  const text = readFileSync(await download.path(), 'utf8');
  assert.equal(text.trim().split('\n').length, atRisk.length + 1, 'a header and a row per kept deal');

  // A reload keeps the view, the period and the filter; the data comes back only through the demo.
  const url = app.page.url();
  assert.match(url, /view=forecast/);
  await app.page.reload();
  await app.page.getByTestId('try-demo').click();
  await app.page.getByTestId('forecast-deals').waitFor({ timeout: 60_000 });
  assert.equal(app.page.url(), url);
  assert.equal(await app.page.getByTestId('deal-filter-commit-at-risk').getAttribute('aria-pressed'), 'true');

  // Keyboard only: to the first deal's name, Enter opens why; Escape closes and gives focus back.
  await app.page.getByTestId('deal-filter-commit-at-risk').focus();
  for (let i = 0; i < 30; i++) {
    await app.page.keyboard.press('Tab');
    if (await app.page.evaluate(() => document.activeElement?.classList.contains('link'))) break;
  }
  const name = await app.page.evaluate(() => document.activeElement?.textContent);
  assert.ok(name, 'a deal name takes focus');
  await app.page.keyboard.press('Enter');
  const drawer = app.page.getByTestId('deal-drawer');
  await drawer.waitFor();
  assert.equal(plain(await drawer.locator('h2').textContent()), plain(name));
  assert.ok(await drawer.getByTestId('deal-at-risk').locator('li').count() > 0, 'a Commit deal at risk says why');
  assert.ok(await drawer.getByTestId('deal-why').locator('li').count() > 0, 'the model says why');
  await app.screenshot('demo-forecast-drawer-1280');
  await app.page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'detached' });
  assert.equal(await app.page.evaluate(() => document.activeElement?.textContent), name, 'focus back on the deal');
  // A filter by keyboard: Enter on Pushed narrows to the CLI's pushed deals.
  await app.page.getByTestId('deal-filter-pushed').focus();
  await app.page.keyboard.press('Enter');
  await app.page.waitForURL(/filter=pushed/);
  const pushed = expected.deals.filter((d) => d.flags.includes('pushed')).map((d) => d.id);
  await app.page.waitForFunction((ids) => JSON.stringify([...document.querySelectorAll('[data-testid="forecast-deals"] tbody tr')].map((r) => r.dataset.deal)) === JSON.stringify(ids.slice(0, 50)), pushed);
  assert.equal(await app.page.getByTestId('deal-filter-pushed').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await listedIds(app.page, 'forecast-deals'), pushed);
  await closeClean(context, seen);
});

test('a rep\'s page has the rep\'s forecast and their deals with both probabilities', async () => {
  const expected = cliForecast();
  const rep = expected.reps.find((r) => r.distribution) ?? expected.reps[0];
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=people&asof=${AS_OF}&rep=${encodeURIComponent(rep.rep)}`);
  const likely = app.page.getByTestId('rep-most-likely');
  await likely.waitFor({ timeout: 60_000 });
  assert.equal(plain(await likely.textContent()), money(rep.p50));
  const theirs = expected.deals.filter((d) => d.rep === rep.rep).map((d) => d.id);
  assert.deepEqual(await listedIds(app.page, 'rep-forecast-deals'), theirs);
  await app.page.getByTestId('rep-forecast').scrollIntoViewIfNeeded();
  await app.screenshot('demo-rep-forecast-1280');
  await closeClean(context, seen);
});
