// Quotas typed in: with the demo's quota file removed, Planning says it has no quotas; typed lines become a
// quota file in the session (a card on Import) and the plan shows them; typing again replaces them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeClean, openApp, plain, servedApp } from './harness.mjs';

const env = servedApp();

test('typed quotas replace a removed quota file, and typing again replaces them', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 900 } });
  await app.open('?view=import&asof=2026-03-15');
  await app.untilReady(() => app.page.getByTestId('try-demo').click());
  const quotaCard = app.cards().filter({ hasText: 'demo-quotas.csv' });
  await quotaCard.waitFor();
  const cardsBefore = await app.cards().count();
  await app.untilReady(() => quotaCard.getByTestId('remove-file').click());
  await quotaCard.waitFor({ state: 'detached' });
  assert.equal(await app.cards().count(), cardsBefore - 1);

  await app.nav('planning').click();
  await app.page.getByTestId('missing').filter({ hasText: 'No quotas for this period' }).waitFor();
  await app.page.getByTestId('quota-text').fill('Tyler Brooks,2026-Q1,80000,USD\nAisha Rahman,2026-Q1,120000,USD');
  await app.untilReady(() => app.page.getByTestId('use-quotas').click());
  const table = app.page.getByTestId('plan-table');
  await table.waitFor({ timeout: 30_000 });
  const row = async (name) => plain(await table.locator('tbody tr', { hasText: name }).first().textContent());
  assert.match(await row('Tyler Brooks'), /80,000/);
  assert.match(await row('Aisha Rahman'), /120,000/);

  await app.page.getByTestId('quota-text').fill('Tyler Brooks,2026-Q1,90000,USD');
  await app.untilReady(() => app.page.getByTestId('use-quotas').click());
  await app.page.waitForFunction(() => [...document.querySelectorAll('[data-testid="plan-table"] tbody tr')]
    .some((r) => r.textContent.includes('Tyler Brooks') && r.textContent.includes('90,000')), null, { timeout: 30_000 });
  assert.equal(await table.locator('tbody tr', { hasText: 'Aisha Rahman' }).count(), 1);
  assert.doesNotMatch(await row('Aisha Rahman'), /120,000/);
  await app.screenshot('planning-typed-quotas-1280');

  await app.nav('import').click();
  assert.equal(await app.cards().filter({ hasText: 'quotas-typed-in.csv' }).count(), 1);
  await closeClean(context, seen);
});
