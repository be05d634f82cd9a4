// The engine runs in a Web Worker, and the page stays the page's:
// - during a 100,000-deal + 1,000,000-activity import the page never freezes (a PerformanceObserver on
//   `longtask` records every main-thread task over 50 ms), the progress bar moves, a nav click answers, and
//   a second import's Cancel stops it. Times are printed beside the targets (no task over 50 ms, a click in
//   100 ms, Cancel in 200 ms); the assertions only catch a freeze (the engine back on the main thread froze
//   the page for 15 s), so a loaded machine does not fail the build;
// - a worker that dies mid-import is said in words and the app starts again;
// - a stale worker (another protocol version, as a cached file would be) is replaced by a fresh one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DIST, FIXTURES, closeClean, launchBrowser, openApp, plain } from './harness.mjs';
import { startServer } from './server.mjs';

/** A main-thread task this long is a freeze a user sees; the targets are far below it. */
const FREEZE_MS = 250;
const DEALS = 100_000;
const ACTIVITIES = 1_000_000;
let browser;
let served;
let dir;
let deals;
let activities;

/** Writes `lines()` (an iterator of text lines) to `path`, in chunks. */
async function writeLines(path, header, lines) {
  const out = createWriteStream(path);
  out.write(header + '\n');
  let chunk = [];
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length) out.write(chunk.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
}

function seeded(seed) {
  return (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
}

const day = (d) => d.toISOString().slice(0, 10);

/** A Salesforce-report-shaped deals export: 40 reps, created in 2026-Q1. */
function* dealLines() {
  const next = seeded(7);
  for (let i = 0; i < DEALS; i++) {
    const created = new Date(Date.UTC(2026, 0, 1 + next(80)));
    const close = new Date(created.getTime() + (5 + next(120)) * 86_400_000);
    const stage = ['Closed Won', 'Closed Lost', 'Closed Lost', 'Proposal', 'Qualification'][next(5)];
    yield `L${i},Deal ${i},Rep ${String(next(40)).padStart(2, '0')},${1000 + next(90000)},${day(created)},${day(close)},${stage}`;
  }
}

/** A Salesforce Task export (the data export's API names): calls, emails and meetings, most on a deal. */
function* activityLines() {
  const next = seeded(11);
  for (let k = 0; k < ACTIVITIES; k++) {
    const what = next(10) < 6 ? `L${next(DEALS)}` : '';
    const when = day(new Date(Date.UTC(2026, 0, 1 + next(85))));
    const [type, subject] = [['Call', 'Call: discovery'], ['Email', 'Email: follow up'], ['Meeting', 'Meeting: demo']][next(3)];
    const rep = String(next(40)).padStart(2, '0');
    yield `00T${String(k).padStart(15, '0')},${what},${subject},${when},Completed,Rep ${rep},${type},1`;
  }
}

before(async () => {
  served = await startServer(DIST, '/a/b/');
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'pipelens-worker-'));
  deals = join(dir, 'Opportunities.csv');
  activities = join(dir, 'Task.csv');
  await writeLines(deals, 'Opportunity ID,Opportunity Name,Opportunity Owner,Amount,Created Date,Close Date,Stage', dealLines());
  await writeLines(activities, 'Id,WhatId,Subject,ActivityDate,Status,OwnerId,Type,IsClosed', activityLines());
});

after(async () => {
  await browser?.close();
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Records every main-thread task over 50 ms from now on, in `window.__longTasks`. */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask' });
  });
}

/**
 * Clicks a nav link in the page and measures, with the page's clock, how long until that view is in the
 * DOM and painted (the next animation frame after it appears).
 */
const navClickMs = (page, view) => page.evaluate((view) => new Promise((resolve) => {
  const start = performance.now();
  const shown = () => document.querySelector(`[data-testid="view-${view}"]`);
  const painted = () => requestAnimationFrame(() => resolve(performance.now() - start));
  const watch = new MutationObserver(() => {
    if (shown()) { watch.disconnect(); painted(); }
  });
  watch.observe(document.body, { childList: true, subtree: true });
  document.querySelector(`[data-testid="nav-${view}"]`).click();
  if (shown()) { watch.disconnect(); painted(); }
}), view);

/** The progress bar's value, or null when there is none. */
const progressValue = (page) => page.evaluate(() => {
  const bar = document.querySelector('[data-testid="import-progress"] progress');
  return bar ? Number(bar.value) : null;
});

test('a 100,000-deal + 1,000,000-activity import never blocks the page; Cancel stops an import quickly', async () => {
  const { context, seen, app } = await openApp(browser, served, { viewport: { width: 1280, height: 900 } });
  await app.open('?view=import&period=2026-Q1&asof=2026-03-31');
  await watchLongTasks(app.page);
  // Tasks before this moment are the page's own start (instantiating the wasm, the first draw).
  const importStart = await app.page.evaluate(() => performance.now());
  const started = Date.now();
  const done = app.untilReady(() => app.page.getByTestId('file-input').setInputFiles([deals, activities]), 300_000);

  // While it runs: the bar moves and the nav answers.
  await app.page.getByTestId('import-progress').waitFor({ timeout: 60_000 });
  const values = new Set();
  let navMs = null;
  while (values.size < 3 && Date.now() - started < 120_000) {
    const v = await progressValue(app.page);
    if (v !== null) values.add(v);
    if (navMs === null && values.size >= 2) {
      navMs = await navClickMs(app.page, 'people');
      await navClickMs(app.page, 'import');
    }
    await app.page.waitForTimeout(40);
  }
  await done;
  const importMs = Date.now() - started;
  const allLong = await app.page.evaluate(() => window.__longTasks);
  const longTasks = allLong.filter((t) => t.start + t.ms > importStart);
  console.log(`import of ${DEALS} deals + ${ACTIVITIES} activities: ${importMs} ms; progress values seen: ${values.size}; nav click answered in ${navMs} ms; main-thread tasks over 50 ms during the import: ${JSON.stringify(longTasks)}; before it (page start): ${JSON.stringify(allLong.filter((t) => !longTasks.includes(t)))}`);
  assert.ok(values.size >= 2, 'the progress bar moved');
  console.log(`against the targets: longest main-thread task ${Math.max(0, ...longTasks.map((t) => t.ms))} ms (target: none over 50 ms), nav click ${navMs} ms (target 100 ms)`);
  assert.ok(navMs !== null && navMs <= FREEZE_MS, `a nav click during the import answered in ${navMs} ms`);
  assert.deepEqual(longTasks.filter((t) => t.ms > FREEZE_MS), [], `main-thread tasks over ${FREEZE_MS} ms during the import`);
  assert.equal(await app.cards().count(), 2);
  assert.equal(await app.cards().nth(0).getByTestId('file-rows').textContent(), DEALS.toLocaleString('en-US'));
  assert.equal(await app.cards().nth(1).getByTestId('file-rows').textContent(), ACTIVITIES.toLocaleString('en-US'));

  // A second, larger import cancelled while it reads: stopped within 200 ms, nothing of it kept.
  await app.page.getByTestId('file-input').setInputFiles([activities]);
  await app.page.getByTestId('import-progress').waitFor({ timeout: 60_000 });
  await app.page.waitForFunction(() => Number(document.querySelector('[data-testid="import-progress"] progress')?.value) > 0);
  const t = Date.now();
  await app.page.getByTestId('import-progress').getByRole('button', { name: 'Cancel' }).click();
  await app.page.getByTestId('import-progress').waitFor({ state: 'detached', timeout: 30_000 });
  const cancelMs = Date.now() - t;
  console.log(`Cancel during an import: the import stopped in ${cancelMs} ms (target 200 ms)`);
  assert.ok(cancelMs <= 2 * FREEZE_MS, `Cancel took ${cancelMs} ms`);
  assert.equal(await app.cards().count(), 2, 'the cancelled file left no card');
  assert.match(plain(await app.page.getByTestId('dataset-chip').textContent()), /^2 files · 100,000 deals/);
  await closeClean(context, seen);
});

test('a worker that dies mid-import is said in words, and the app starts again', async () => {
  const { context, seen, app } = await openApp(browser, served, { viewport: { width: 1280, height: 900 } });
  await app.open('?view=import');
  await app.page.getByTestId('file-input').setInputFiles([activities]);
  await app.page.getByTestId('import-progress').waitFor({ timeout: 60_000 });
  const [worker] = app.page.workers();
  assert.ok(worker, 'the engine runs in a worker');
  // What a crash inside the worker looks like to the page (a wasm trap, out of memory): an uncaught error.
  await worker.evaluate(() => setTimeout(() => { throw new Error('simulated engine crash'); }, 0));
  const down = app.page.getByTestId('engine-down');
  await down.waitFor({ timeout: 30_000 });
  assert.match(plain(await down.textContent()), /The analysis engine stopped .*simulated engine crash.*Start again/);
  await app.page.getByTestId('import-progress').waitFor({ state: 'detached', timeout: 10_000 });
  // Said once, by the banner: not again in the import's list of errors.
  assert.equal(await app.page.getByText(/The analysis engine stopped/).count(), 1);
  await app.screenshot('engine-down-1280');

  await app.page.getByTestId('engine-restart').click();
  await down.waitFor({ state: 'detached' });
  await app.importFiles([join(FIXTURES, 'skeleton/deals-semicolon-bom.csv')]);
  assert.equal(await app.cards().count(), 1);
  assert.match(await app.page.getByTestId('dataset-chip').textContent(), /^1 file · 3 deals/);
  // The crash was the test's own, reported by the browser about the worker; nothing else went wrong.
  seen.consoleErrors = seen.consoleErrors.filter((e) => !/simulated engine crash/.test(e));
  await closeClean(context, seen);
});

test('a stale worker (another protocol version) is replaced by a fresh one', async () => {
  const { context, seen, app } = await openApp(browser, served, { viewport: { width: 1280, height: 900 } });
  const asked = [];
  // The first start gets an old worker that announces protocol version 1; later starts get the real one.
  await context.route('**/worker.js*', async (route) => {
    asked.push(new URL(route.request().url()).search);
    if (asked.length === 1) {
      await route.fulfill({ contentType: 'text/javascript', body: 'self.postMessage({ ready: 1 });' });
    } else {
      await route.continue();
    }
  });
  await app.loadDemo('?view=people&asof=2026-03-15');
  assert.equal(asked.length, 2, `worker starts: ${asked.join(' ')}`);
  assert.notEqual(asked[0], asked[1], 'the fresh start does not reuse the stale URL');
  assert.match(await app.page.getByTestId('dataset-chip').textContent(), /^Demo data/);
  assert.ok(await app.page.getByTestId('team-table').locator('tbody tr').count() >= 8);
  await closeClean(context, seen);
});
