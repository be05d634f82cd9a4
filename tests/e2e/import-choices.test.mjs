// The import's choices change the numbers and travel as a profile: flipping an assumption, unmapping a
// column and editing a stage reach the engine (every card and figure follows), and the profile saved as JSON
// brings the same choices back after Forget data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { closeClean, openApp, servedApp } from './harness.mjs';

const env = servedApp();

test('choices on the import reach the numbers, and a saved profile brings them back', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await app.open('?view=import&asof=2026-03-15');
  await app.untilReady(() => app.page.getByTestId('try-demo').click());
  const deals = app.cards().filter({ hasText: 'demo-salesforce-opportunities.csv' });
  await deals.waitFor();

  // Flip how 'Close Date' is read: the card says so after the engine rebuilt the model.
  const closeDate = deals.locator('[data-testid="assume-date_order:Close Date"]');
  const options = await closeDate.locator('option').evaluateAll((os) => os.map((o) => o.value));
  const other = options.find((o) => o !== options[0]);
  assert.ok(other, `an alternative reading of Close Date: ${options}`);
  const chipBefore = await app.page.getByTestId('dataset-chip').textContent();
  await app.untilReady(() => closeDate.selectOption(other));
  // The numbers change: the model's dates (in the dataset chip) follow the new reading.
  await app.page.waitForFunction((before) => document.querySelector('[data-testid="dataset-chip"]').textContent !== before, chipBefore);
  await app.page.waitForFunction((v) => {
    const s = document.querySelector('[data-testid="assume-date_order:Close Date"]');
    return s && s.value === v;
  }, other);

  // Unmap Amount: bookings on People become unknown rather than a silent number.
  await deals.getByTestId('file-mapping').locator('summary').click();
  await app.untilReady(() => deals.getByTestId('map-amount').selectOption(''));
  await app.page.waitForFunction(() => document.querySelector('[data-testid="map-amount"]')?.value === '');
  // Without an amount column, People's bookings have no amounts to add up.
  await app.nav('people').click();
  await app.page.getByTestId('team-strip').waitFor({ timeout: 60_000 });
  assert.match(await app.page.getByTestId('strip-bookings').locator('.stat-value').textContent(), /^\s*(0|—)\s*$/);
  await app.nav('import').click();
  await deals.waitFor();

  // A stage's outcome, changed by hand, shows in the stage table (the demo's record types are its pipelines).
  await app.untilReady(() => app.page.getByTestId('stage-table').getByLabel('Outcome of Negotiation in New Business', { exact: true }).selectOption('lost'));
  await app.page.waitForFunction(() => document.querySelector('select[aria-label="Outcome of Negotiation in New Business"]')?.value === 'lost');

  // Save the profile: it holds the three choices.
  const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId('save-profile').click()]);
  const path = await download.path();
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  assert.ok(profile.model.assumptions.some((a) => a.id === 'date_order:Close Date' && a.choice === other), JSON.stringify(profile.model.assumptions));
  assert.ok(profile.model.mappings.some((m) => m.field === 'amount' && m.column === null), JSON.stringify(profile.model.mappings));
  assert.ok(profile.model.stages.some((s) => s.raw === 'Negotiation' && s.outcome === 'lost'), JSON.stringify(profile.model.stages));
  assert.deepEqual(profile.default_scope, { pipelines: [], deal_types: [] }, 'the default scope travels too');

  // Forget everything, load the demo again: the defaults are back; load the profile: the choices are back.
  await app.page.getByTestId('forget-data').click();
  await app.untilReady(() => app.page.getByTestId('try-demo').click());
  await deals.waitFor();
  assert.equal(await closeDate.inputValue(), options[0]);
  await app.untilReady(() => app.page.getByTestId('load-profile').setInputFiles(path));
  await app.page.waitForFunction((v) => document.querySelector('[data-testid="assume-date_order:Close Date"]')?.value === v, other);
  await app.page.waitForFunction(() => document.querySelector('[data-testid="map-amount"]')?.value === '');
  await app.screenshot('import-choices-1280');

  await closeClean(context, seen);
});

test('a lost reason set to disqualified leaves win rates, as the table says', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.open('?view=people&asof=2026-03-15');
  await app.untilReady(() => app.page.getByTestId('try-demo').click());
  const win = async () => (await app.page.getByTestId('strip-win_rate').locator('.stat-value').textContent()).trim();
  await app.page.getByTestId('team-strip').waitFor();
  const before = await win();
  await app.nav('import').click();
  await app.page.getByTestId('lost-reason-row').first().waitFor();
  // The most frequent reason that counts as lost now.
  const rows = app.page.getByTestId('lost-reason-row');
  let select = null;
  for (let i = 0; i < await rows.count(); i++) {
    const s = rows.nth(i).locator('select');
    if (['competitive', 'other'].includes(await s.inputValue())) { select = s; break; }
  }
  assert.ok(select, 'a lost reason that counts as lost');
  await select.selectOption('disqualified');
  await app.nav('people').click();
  await app.page.getByTestId('team-strip').waitFor();
  await app.page.waitForFunction((v) => document.querySelector('[data-testid="strip-win_rate"] .stat-value')?.textContent.trim() !== v, before);
  // Fewer losses counted: the win rate goes up.
  assert.ok(parseFloat(await win()) > parseFloat(before), `${before} → ${await win()}`);
  await closeClean(context, seen);
});

test('the roster takes team facts by hand, excludes anyone, and undoes a match across files', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo('?view=import&asof=2026-03-15');
  const roster = app.page.getByTestId('roster');
  const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = (name) => roster.getByTestId('roster-row').filter({ has: app.page.getByTestId('roster-name').filter({ hasText: exactly(name) }) });
  await row('Tyler Brooks').waitFor();
  const rows = await roster.getByTestId('roster-row').count();

  // A new team and an end date before the quarter, typed on the roster.
  await app.untilReady(async () => {
    await row('Tyler Brooks').getByTestId('roster-team').fill('Closers');
    await row('Tyler Brooks').getByTestId('roster-team').press('Enter');
  });
  await app.page.waitForFunction(() => [...document.querySelectorAll('[data-testid="roster-team"]')].some((i) => i.value === 'Closers'));
  await app.untilReady(() => row('Tyler Brooks').getByTestId('roster-ended').fill('2025-12-31'));
  await app.page.waitForFunction(() => [...document.querySelectorAll('[data-testid="roster-ended"]')].some((i) => i.value === '2025-12-31'));
  // The team filter offers the new team; on People, it holds Tyler alone, shown as having left.
  await app.nav('people').click();
  await app.untilReady(() => app.page.getByTestId('team-filter').selectOption('Closers'));
  const table = app.page.getByTestId('team-table');
  await table.waitFor();
  // One rep row (a link to the rep's page) above the team's median and total rows.
  await app.page.waitForFunction(() => document.querySelectorAll('[data-testid="team-table"] tbody a').length === 1);
  assert.match(await table.locator('tbody a').first().textContent(), /^Tyler Brooks \(left\)$/);
  await app.untilReady(() => app.page.getByTestId('team-filter').selectOption(''));

  // Anyone can be excluded: Mei Chen leaves the people table; the team's deals stay.
  const wonBefore = (await app.page.getByTestId('strip-bookings').locator('.stat-value').textContent()).trim();
  await app.nav('import').click();
  await row('Mei Chen').waitFor();
  await app.untilReady(() => row('Mei Chen').getByTestId('roster-exclude').check());
  await app.page.waitForFunction(() => document.querySelector('tr.excluded [data-testid="roster-exclude"]')?.checked === true);
  await app.nav('people').click();
  await table.waitFor();
  await app.page.waitForFunction(() => !document.querySelector('[data-testid="team-table"]').textContent.includes('Mei Chen'));
  assert.equal((await app.page.getByTestId('strip-bookings').locator('.stat-value').textContent()).trim(), wonBefore,
    'team bookings keep her deals');

  // A match across files, undone: the opportunities file's Lucas Ferreira becomes a rep of their own; then matched again.
  await app.nav('import').click();
  const merges = roster.getByTestId('merges');
  await merges.locator('summary').click();
  await app.untilReady(() => merges.getByRole('button', { name: 'Keep apart: Lucas Ferreira in demo-salesforce-opportunities.csv' }).click());
  await row('Lucas Ferreira (demo-salesforce-opportunities.csv)').waitFor();
  assert.equal(await roster.getByTestId('roster-row').count(), rows + 1);
  const apart = row('Lucas Ferreira (demo-salesforce-opportunities.csv)');
  assert.notEqual((await apart.locator('td.num').first().textContent()).trim(), '0', 'the deals go with the file kept apart');
  await app.screenshot('import-roster-1280');
  assert.match(await merges.getByTestId('kept-apart').textContent(), /Kept apart: Lucas Ferreira \(demo-salesforce-opportunities\.csv\) is another person/);
  await app.untilReady(() => merges.getByTestId('kept-apart').getByRole('button', { name: 'Match again' }).click());
  await app.page.waitForFunction((n) => document.querySelectorAll('[data-testid="roster-row"]').length === n, rows);

  await closeClean(context, seen);
});

test('a default scope set on the import holds in every view until the header picks all', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.loadDemo('?view=people&asof=2026-03-15');
  const bookings = async () => (await app.page.getByTestId('strip-bookings').locator('.stat-value').textContent()).trim();
  await app.page.getByTestId('team-strip').waitFor();
  const all = await bookings();
  await app.nav('import').click();
  await app.page.getByTestId('default-deal-type').waitFor();
  await app.page.getByTestId('default-deal-type').selectOption('renewal');
  await app.nav('people').click();
  await app.page.getByTestId('team-strip').waitFor();
  await app.page.waitForFunction((v) => document.querySelector('[data-testid="strip-bookings"] .stat-value')?.textContent.trim() !== v, all);
  const renewals = await bookings();
  assert.equal(await app.page.getByTestId('type-filter').inputValue(), 'renewal', 'the header shows the default');
  assert.ok(!app.page.url().includes('type='), app.page.url());
  // The header's "All deal types" lifts the default for this address only.
  await app.untilReady(() => app.page.getByTestId('type-filter').selectOption(''));
  await app.page.waitForFunction((v) => document.querySelector('[data-testid="strip-bookings"] .stat-value')?.textContent.trim() === v, all);
  assert.match(app.page.url(), /type=all/);
  assert.notEqual(renewals, all);

  // A default pipeline (the demo's record types are its pipelines): Process draws that pipeline's funnel only.
  await app.nav('import').click();
  await app.page.getByTestId('default-pipeline').selectOption('Renewals');
  await app.nav('process').click();
  await app.page.getByTestId('view-process').waitFor();
  await app.page.waitForFunction(() => {
    const text = document.querySelector('[data-testid="view-process"]').textContent;
    return text.includes('Funnel · Renewals') && !text.includes('Funnel · New Business');
  });
  assert.equal(await app.page.getByTestId('pipeline-filter').inputValue(), 'Renewals', 'the header shows the default');
  await closeClean(context, seen);
});
