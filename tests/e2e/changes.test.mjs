// What changed: two exports of the same deals, a week apart (the files' own modified days), imported
// through the page; the Pipeline view's waterfall equals `pipelens changes` of the same files, a step
// opens its deals, and one export alone says what is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, REPO, closeClean, openApp, plain, servedApp } from './harness.mjs';

const env = servedApp();
const money = (v) => Math.round(v).toLocaleString('en-US');

/** The fixture pair copied with the days they were taken as their modified times. */
function weeklyExports() {
  const dir = mkdtempSync(join(tmpdir(), 'pipelens-weeks-'));
  const files = [];
  for (const [name, day] of [['before.csv', '2026-02-09'], ['after.csv', '2026-02-16']]) {
    const path = join(dir, name);
    copyFileSync(join(FIXTURES, 'changes', name), path);
    const at = new Date(`${day}T12:00:00Z`);
    utimesSync(path, at, at);
    files.push({ path, day });
  }
  return files;
}

test('two weekly exports give the CLI\'s waterfall on Pipeline, and a step opens its deals', async () => {
  const [before, after] = weeklyExports();
  const cli = join(REPO, 'target/debug/pipelens');
  const expected = JSON.parse(execFileSync(cli, ['changes', '--before', before.path, '--after', after.path,
    '--taken-on', `${before.path}=${before.day}`, '--taken-on', `${after.path}=${after.day}`,
    '--period', '2026-Q1', '--format', 'json']).toString());
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.open('?view=import&period=2026-Q1&asof=2026-02-16');
  await app.importFiles([before.path, after.path]);
  await app.nav('pipeline').click();
  const table = app.page.getByTestId('changes-waterfall-table');
  await table.waitFor({ timeout: 60_000 });
  assert.match(plain(await app.page.getByTestId('changes-assumed').textContent()), new RegExp(`${before.day}.*${after.day}`));
  const shown = Object.fromEntries(await table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [r.dataset.step, [...r.querySelectorAll('td')].map((c) => c.textContent.trim())])));
  const t = expected.team;
  assert.deepEqual(shown.start, [money(t.start.amount), String(t.start.deals)]);
  assert.deepEqual(shown.end, [money(t.end.amount), String(t.end.deals)]);
  let steps = 0;
  for (const [movement, tally] of Object.entries(t.movements)) {
    if (tally.deals === 0) {
      assert.equal(shown[movement], undefined, `${movement} has no deals and no bar`);
      continue;
    }
    const sign = tally.amount > 0 ? '+' : '';
    assert.deepEqual(shown[movement], [`${sign}${money(tally.amount)}`, String(tally.deals)], movement);
    steps += 1;
  }
  assert.ok(steps >= 5, `the fixture moves deals in ${steps} ways`);
  // A step by keyboard: its deals, as the CLI lists them.
  const won = expected.deals.filter((d) => d.movement === 'won');
  await app.page.getByTestId('waterfall-pick-won').focus();
  await app.page.keyboard.press('Enter');
  const deals = app.page.getByTestId('changes-deals');
  await deals.waitFor();
  assert.equal(await deals.locator('tbody tr').count(), won.length);
  assert.equal(await app.page.getByTestId('changes-reps').locator('tbody tr').count(), expected.reps.length);
  // Each rep's small multiple; a step of one picks that rep's deals only.
  const falls = app.page.getByTestId('rep-falls').locator('figure');
  assert.equal(await falls.count(), expected.reps.length);
  const i = expected.reps.findIndex((r) => r.movements.won.deals > 0);
  const rep = expected.reps[i];
  await falls.nth(i).locator('summary').click();
  await app.page.getByTestId(`rep-fall-${i}-pick-won`).click();
  await app.page.getByTestId('changes-deals').locator('caption').filter({ hasText: rep.rep }).waitFor();
  assert.equal(await deals.locator('tbody tr').count(), won.filter((d) => d.rep === rep.rep).length);
  // Two exports: the trend asks for a third.
  await app.page.getByTestId('changes-trend-missing').waitFor({ timeout: 60_000 });
  await app.page.getByTestId('what-changed').scrollIntoViewIfNeeded();
  await app.screenshot('changes-pipeline-1280');
  await closeClean(context, seen);
});

test('three weekly exports give the week-over-week trend, each step the CLI\'s waterfall of its pair', async () => {
  const [before, after] = weeklyExports();
  const third = { path: join(mkdtempSync(join(tmpdir(), 'pipelens-third-')), 'third.csv'), day: '2026-02-23' };
  writeFileSync(third.path, readFileSync(after.path, 'utf8')
    .replace('"U1","Juno starter","Juno","Cara Cruz","2,000.00"', '"U1","Juno starter","Juno","Cara Cruz","4,500.00"'));
  const at = new Date(`${third.day}T12:00:00Z`);
  utimesSync(third.path, at, at);
  const cli = join(REPO, 'target/debug/pipelens');
  const step = (a, b) => JSON.parse(execFileSync(cli, ['changes', '--before', a.path, '--after', b.path,
    '--taken-on', `${a.path}=${a.day}`, '--taken-on', `${b.path}=${b.day}`, '--period', '2026-Q1', '--format', 'json']).toString());
  const expected = [step(before, after), step(after, third)];
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.open('?view=import&period=2026-Q1&asof=2026-02-23');
  await app.importFiles([before.path, after.path, third.path]);
  await app.nav('pipeline').click();
  const table = app.page.getByTestId('changes-trend-table');
  await table.waitFor({ timeout: 90_000 });
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent.trim())));
  assert.equal(rows.length, 2);
  rows.forEach((cells, k) => {
    const e = expected[k];
    assert.equal(cells[0], `${e.before} → ${e.after}`);
    assert.equal(cells[1], money(e.team.start.amount));
    assert.equal(cells[cells.length - 1], money(e.team.end.amount));
  });
  // The newest pair is the waterfall above it.
  assert.match(plain(await app.page.getByTestId('changes-assumed').textContent()), new RegExp(`${after.day}.*${third.day}`));
  await app.page.getByTestId('changes-trend').scrollIntoViewIfNeeded();
  await app.screenshot('changes-trend-1280');
  await closeClean(context, seen);
});

test('one export alone says what What changed needs', async () => {
  const [, after] = weeklyExports();
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.open('?view=import&period=2026-Q1&asof=2026-02-16');
  await app.importFiles([after.path]);
  await app.nav('pipeline').click();
  const panel = app.page.getByTestId('what-changed');
  await panel.getByTestId('missing').waitFor({ timeout: 60_000 });
  assert.match(await panel.textContent(), /two exports of the same deals taken on different days/);
  await closeClean(context, seen);
});

test('the demo has last week\'s export: its waterfall on Pipeline is the CLI\'s of the demo\'s two reports', async () => {
  const AS_OF = '2026-03-15';
  const cli = join(REPO, 'target/debug/pipelens');
  const dir = mkdtempSync(join(tmpdir(), 'pipelens-demo-'));
  execFileSync(cli, ['demo', dir, '--as-of', AS_OF]);
  const now = join(dir, 'demo-salesforce-opportunities.csv');
  const then = join(dir, 'last-week', 'demo-salesforce-opportunities-last-week.csv');
  const teams = join(dir, 'demo-teams.csv');
  // The rest of the demo's files beside this week's export (the app's model holds them all; the forecast
  // then and now is of that model, the waterfall of the two reports).
  const rest = ['OpportunityHistory.csv', 'demo-salesforce-activities.csv', 'demo-quotas.csv'].map((f) => join(dir, f));
  const expected = JSON.parse(execFileSync(cli, ['changes', '--before', then, teams, '--after', now, teams, ...rest,
    '--taken-on', `${then}=2026-03-08`, '--taken-on', `${now}=${AS_OF}`, '--period', 'this-quarter', '--forecast', '--format', 'json']).toString());
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=pipeline&asof=${AS_OF}`);
  const table = app.page.getByTestId('changes-waterfall-table');
  await table.waitFor({ timeout: 60_000 });
  const shown = Object.fromEntries(await table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [r.dataset.step, [...r.querySelectorAll('td')].map((c) => c.textContent.trim())])));
  const t = expected.team;
  assert.deepEqual(shown.start, [money(t.start.amount), String(t.start.deals)]);
  assert.deepEqual(shown.end, [money(t.end.amount), String(t.end.deals)]);
  for (const [movement, tally] of Object.entries(t.movements)) {
    if (tally.deals === 0) continue;
    assert.deepEqual(shown[movement], [`${tally.amount > 0 ? '+' : ''}${money(tally.amount)}`, String(tally.deals)], movement);
  }
  assert.ok(Object.keys(shown).length > 3, 'the week moved deals');
  // The forecast then and now: the CLI's two forecasts of the same exports, and its sentence.
  const f = expected.forecast;
  await app.page.getByTestId('shift-strip').waitFor({ timeout: 90_000 });
  assert.equal(await app.page.getByTestId('shift-then').textContent(), money(f.then.p50));
  assert.equal(await app.page.getByTestId('shift-now').textContent(), money(f.now.p50));
  assert.ok((await app.page.getByTestId('shift-sentence').textContent()).startsWith(f.sentence));
  await app.page.getByTestId('what-changed').scrollIntoViewIfNeeded();
  await app.screenshot('demo-changes-1280');
  // Swapped, the week runs backwards: the start is the end it was.
  await app.page.getByTestId('changes-swap').click();
  await app.page.getByTestId('changes-assumed').filter({ hasText: 'you said' }).waitFor({ timeout: 60_000 });
  const start = await table.locator('tbody tr[data-step="start"] td').first().textContent();
  assert.equal(start.trim(), money(t.end.amount));
  assert.equal(await app.page.getByTestId('changes-swap').getAttribute('aria-pressed'), 'true');
  await closeClean(context, seen);
});
