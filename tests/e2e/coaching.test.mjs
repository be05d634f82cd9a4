// Coaching in the app, on the demo team, against `pipelens coach --format json` of the demo's own export
// files (same as-of day and period): People's "What to coach" lists the CLI's five biggest opportunities in
// its order with their worth; a rep's page lists that rep's insights and strengths, each with its math.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, SHOTS, closeClean, openApp, servedApp } from './harness.mjs';

const AS_OF = '2026-03-15';
const env = servedApp();
const money = (v) => (v === null ? '—' : Math.round(v).toLocaleString('en-US'));

function cli(command = 'coach') {
  const bin = join(REPO, 'target/debug/pipelens');
  const dir = mkdtempSync(join(tmpdir(), 'pipelens-demo-'));
  try {
    execFileSync(bin, ['demo', dir, '--as-of', AS_OF]);
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => join(dir, f));
    const out = execFileSync(bin, [command, ...files, '--as-of', AS_OF, '--period', 'this-quarter', '--format', 'json'],
      { maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(out.toString());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const cliCoach = () => cli('coach');
const percent = (v) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

test('People ranks the CLI\'s coaching opportunities, and a rep\'s page has their insights with the math', async () => {
  const expected = cliCoach();
  assert.ok(expected.team.ranked.length >= 5, 'the demo has coaching opportunities');
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=people&period=this-quarter&asof=${AS_OF}`);
  const table = app.page.getByTestId('coach-ranked');
  await table.waitFor({ timeout: 60_000 });
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent.trim())));
  assert.deepEqual(rows.map((r) => [r[0], r[3]]),
    expected.team.ranked.slice(0, 5).map((x) => [x.rep, money(x.impact)]));
  await app.page.getByTestId('what-to-coach').scrollIntoViewIfNeeded();
  await app.screenshot('people-coaching-1280');
  // The top rep's page: their insights in the CLI's order, each with its math.
  const top = expected.reps.find((r) => r.rep === expected.team.ranked[0].rep);
  await table.getByRole('link', { name: top.rep }).first().click();
  const items = app.page.getByTestId('rep-insight');
  await items.first().waitFor({ timeout: 60_000 });
  assert.equal(await items.count(), top.insights.length);
  const first = items.first();
  assert.match(await first.textContent(), new RegExp(money(top.insights[0].impact)));
  await first.locator('summary').click();
  assert.ok((await first.textContent()).includes(top.insights[0].impact_math));
  assert.equal(await app.page.getByTestId('rep-strength').count(), top.strengths.length);
  await app.page.getByTestId('rep-coaching').scrollIntoViewIfNeeded();
  await app.screenshot('rep-coaching-1280');
  await closeClean(context, seen);
});

test('the what-if levers move the plan as the engine computes it', async () => {
  // Two weeks before the quarter's end the demo's cycles (six to fourteen weeks) leave no time to create
  // what closes in it; thirty days off the cycle gives some, for a rep with a gap the open pipeline leaves.
  const expected = cliCoach();
  const opportunities = (i, winPoints, cycleDays) => {
    const rate = i.win_rate + winPoints;
    const creation = i.days_left - (i.cycle_days + cycleDays) * 5 / 7;
    const fromNew = Math.max(0, i.gap - i.open_amount * rate);
    return creation >= 1 && fromNew > 0 ? fromNew / i.avg_deal / rate : null;
  };
  const rep = expected.reps.find((r) => r.plan_inputs.gap > 0 && r.plan.activities_per_day === null
    && opportunities(r.plan_inputs, 0, -30) !== null && r.plan_inputs.activities_per_opportunity !== null);
  assert.ok(rep, 'a demo rep has a plan the cycle lever opens');
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=people&period=this-quarter&asof=${AS_OF}&rep=${encodeURIComponent(rep.rep)}`);
  const sentence = app.page.getByTestId('plan-sentence');
  await sentence.waitFor({ timeout: 60_000 });
  assert.equal(await sentence.textContent(), rep.plan.sentence);
  await app.page.getByTestId('lever-cycle').fill('-30');
  const opps = app.page.getByTestId('plan-opportunities');
  const shorter = opportunities(rep.plan_inputs, 0, -30).toFixed(1);
  await opps.filter({ hasText: shorter }).waitFor({ timeout: 10_000 });
  assert.notEqual(await app.page.getByTestId('plan-per-day').textContent(), '—');
  // +10 points of win rate on top: fewer opportunities, as the engine's arithmetic says.
  await app.page.getByTestId('lever-win').fill('10');
  const fewer = opportunities(rep.plan_inputs, 0.10, -30).toFixed(1);
  assert.ok(Number(fewer) < Number(shorter));
  await opps.filter({ hasText: fewer }).waitFor({ timeout: 10_000 });
  await app.page.getByTestId('what-if').scrollIntoViewIfNeeded();
  await app.screenshot('rep-what-if-1280');
  await closeClean(context, seen);
});

test('the 1:1 pack prints to one or two pages with its sections, light, peers unnamed', async () => {
  const expected = cliCoach();
  const rep = expected.team.ranked[0].rep;
  const others = expected.reps.map((r) => r.rep).filter((r) => r !== rep);
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=people&period=this-quarter&asof=${AS_OF}&rep=${encodeURIComponent(rep)}`);
  await app.page.getByTestId('open-pack').click();
  const pack = app.page.getByTestId('pack');
  for (const part of ['scorecard', 'pack-insights', 'pack-plan', 'pack-deals', 'pack-forecast']) {
    await pack.getByTestId(part).waitFor({ timeout: 60_000 });
  }
  await app.page.getByTestId('pack-forecast').filter({ hasText: 'most likely' }).waitFor({ timeout: 60_000 });
  const text = await pack.textContent();
  assert.ok(text.includes(`1:1 · ${rep}`));
  for (const other of others) assert.ok(!text.includes(other), `the pack names no peer (${other})`);
  assert.ok((await app.page.getByTestId('pack-deals').locator('tbody tr').count()) <= 5);
  await app.page.emulateMedia({ media: 'print', colorScheme: 'light' });
  await app.screenshot('pack-print-light');
  mkdirSync(SHOTS, { recursive: true });
  const pdf = await app.page.pdf({ format: 'A4', printBackground: true });
  writeFileSync(join(SHOTS, 'pack.pdf'), pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pages >= 1 && pages <= 2, `the pack prints on ${pages} pages`);
  await closeClean(context, seen);
});

test('People\'s first picture draws every rep the engine drew, and a bubble opens the rep', async () => {
  const expected = cliCoach();
  const points = expected.picture.points;
  assert.ok(points.length >= 5, 'the demo has reps to draw');
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=people&period=this-quarter&asof=${AS_OF}`);
  const chart = app.page.getByTestId('activity-win-chart');
  await chart.waitFor({ timeout: 60_000 });
  const rows = await app.page.getByTestId('activity-win-table').locator('tbody tr').evaluateAll((trs) =>
    trs.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent.trim())));
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[2], r[4]]),
    points.map((p) => [p.rep, p.activity_per_day.toFixed(1), percent(p.win_rate), money(p.bookings)]));
  assert.equal(await chart.locator('.bubble-hit').count(), points.length, 'one bubble per rep');
  await chart.scrollIntoViewIfNeeded();
  mkdirSync(SHOTS, { recursive: true });
  await chart.screenshot({ path: join(SHOTS, 'people-activity-win-1280.png') });
  // The busiest rep's bubble opens their page.
  const busiest = [...points].sort((a, b) => b.activity_per_day - a.activity_per_day)[0];
  await chart.locator(`.bubble-hit[data-rep="${busiest.rep}"]`).click();
  await app.page.getByTestId('rep-coaching').waitFor({ timeout: 60_000 });
  assert.equal(new URL(app.page.url()).searchParams.get('rep'), busiest.rep);
  await closeClean(context, seen);
});

test('Planning rolls capacity up by manager as the engine does, and the chance of quota moves with a lever', async () => {
  const expected = cliCoach();
  const forecast = cli('forecast');
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo(`?view=planning&period=this-quarter&asof=${AS_OF}`);
  const managers = app.page.getByTestId('capacity-managers');
  await managers.waitFor({ timeout: 60_000 });
  const rows = await managers.locator('tbody tr').evaluateAll((trs) =>
    trs.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent.trim())));
  const want = [...expected.capacity.managers, expected.capacity.team].map((m) => [m.name, money(m.expected)]);
  assert.deepEqual(rows.map((r) => [r[0], r[4]]).sort(), want.sort());
  // A rep with a forecast range and a quota: the plan's chance starts at the forecast's and rises with
  // ten points of win rate.
  const row = forecast.reps.find((r) => r.distribution && r.quota !== null && r.chance_of_quota > 0.05
    && r.chance_of_quota < 0.95 && expected.reps.some((x) => x.rep === r.rep && x.plan_inputs.win_rate !== null));
  assert.ok(row, 'a demo rep has a forecast range, a quota and a win rate');
  await app.page.getByTestId('plan-rep').selectOption(row.rep);
  const chance = app.page.getByTestId('plan-chance');
  await chance.filter({ hasText: percent(row.chance_of_quota) }).waitFor({ timeout: 60_000 });
  await app.page.getByTestId('lever-win').fill('10');
  await app.page.waitForFunction((before) => {
    const el = document.querySelector('[data-testid="plan-chance"]');
    return el && el.textContent !== before && parseFloat(el.textContent) > parseFloat(before);
  }, percent(row.chance_of_quota), { timeout: 10_000 });
  await app.page.getByTestId('capacity').scrollIntoViewIfNeeded();
  mkdirSync(SHOTS, { recursive: true });
  await app.page.getByTestId('capacity').screenshot({ path: join(SHOTS, 'planning-capacity-1280.png') });
  await closeClean(context, seen);
});
