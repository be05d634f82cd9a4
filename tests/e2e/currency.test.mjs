// Money as it really comes: a file whose every amount is in euros, opened with the default home currency
// (USD) and no rate, asks "show everything in EUR, or give a rate?" above the numbers instead of showing
// zeros; answering it shows the euros, the sum the CLI gives with --home-currency EUR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES, REPO, closeClean, openApp, plain, servedApp } from './harness.mjs';

const env = servedApp();
const FILE = join(FIXTURES, 'model/generic-eu/oportunidades.csv');

test('amounts all in one foreign currency are asked about, and the answer shows them', async () => {
  const cli = join(REPO, 'target/debug/pipelens');
  const expected = JSON.parse(execFileSync(cli, ['report', FILE, '--as-of', '2026-03-31', '--period', '2026-Q1',
    '--home-currency', 'EUR', '--format', 'json']).toString());
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.open('?view=import&period=2026-Q1&asof=2026-03-31');
  await app.importFiles([FILE]);
  await app.nav('performance').click();
  const ask = app.page.getByTestId('ask-currency');
  await ask.waitFor({ timeout: 60_000 });
  assert.match(plain(await ask.textContent()), /Every amount is in EUR and no rate turns EUR into USD/);
  await app.screenshot('ask-currency-1280');
  await app.page.getByTestId('use-currency').click();
  await ask.waitFor({ state: 'detached', timeout: 30_000 });
  // The euros are the numbers now: the CLI's bookings in EUR, shown (not only in a folded table).
  const booked = Math.round(expected.team.bookings).toLocaleString('en-US');
  await app.page.waitForFunction((text) => [...document.querySelectorAll('td, dd, .num, .big')]
    .some((el) => el.offsetParent !== null && el.textContent.trim() === text), booked, { timeout: 30_000 });
  await app.screenshot('ask-currency-answered-1280');
  await closeClean(context, seen);
});
