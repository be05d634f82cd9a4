// Privacy is a tested property: while the app loads, reloads a deep link, imports and analyses a file,
// the browser makes no request but GETs of the app's own static files, and logs no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, openApp, servedApp, watch } from './harness.mjs';

const env = servedApp();

test('the app requests nothing but its own files while importing a file', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, { viewport: { width: 1280, height: 800 } });

  await app.open();
  assert.equal(await app.nav('import').getAttribute('aria-current'), 'page');

  // A deep link reloads from a host with no SPA fallback.
  await app.open('?view=people');
  await app.page.reload();
  await app.page.getByTestId('view-people').waitFor();
  assert.equal(await app.nav('people').getAttribute('aria-current'), 'page');
  assert.match(await app.page.getByTestId('needs-data').textContent(), /People needs data/);
  await app.screenshot('people-no-data-1280');

  // Back to Import through the nav, then import two fixtures at once.
  await app.nav('import').click();
  await app.page.getByTestId('view-import').waitFor();
  // One file dropped as from the desktop, one chosen with the picker.
  await app.dropFiles([join(FIXTURES, 'skeleton/deals-semicolon-bom.csv')]);
  await app.importFiles([join(FIXTURES, 'skeleton/deals-latin1.tsv')]);
  await assert.doesNotReject(app.cards().nth(1).waitFor());
  const first = app.cards().nth(0);
  assert.equal(await first.getByTestId('file-encoding').textContent(), 'UTF-8');
  assert.equal(await first.getByTestId('file-delimiter').textContent(), 'semicolon');
  assert.equal(await first.getByTestId('file-rows').textContent(), '3');
  const second = app.cards().nth(1);
  assert.equal(await second.getByTestId('file-encoding').textContent(), 'windows-1252');
  assert.equal(await second.getByTestId('file-delimiter').textContent(), 'tab');
  assert.match(await second.getByTestId('file-preview').textContent(), /Café Müller/);
  assert.match(await app.page.getByTestId('dataset-chip').textContent(), /^2 files · 5 deals · 4 reps/);
  await app.screenshot('import-after-drop-1280');
  await app.page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('import-after-drop-1280-dark');
  await app.page.emulateMedia({ colorScheme: 'light' });

  // Back/forward keep working after the import.
  await app.nav('pipeline').click();
  await app.page.getByTestId('view-pipeline').waitFor();
  await app.page.goBack();
  await app.page.getByTestId('view-import').waitFor();
  assert.equal(await app.cards().count(), 2, 'the imported files survive navigation');

  // The engine's worker loaded its files through the same watch: its requests are counted too.
  for (const file of ['worker.js', 'pipelens-worker.js', 'pipelens-worker_bg.wasm']) {
    assert.ok(seen.requests.some((path) => path.endsWith(`/${file}`)), `the watch saw ${file}: ${seen.requests.join(' ')}`);
  }
  assert.deepEqual(seen.violations, [], 'requests other than GETs of the app\'s own files');
  assert.deepEqual(seen.consoleErrors, [], 'console errors');
  await context.close();
});

test('the watch turns red on a request to an outside host', async () => {
  // The CSP would block this request before it leaves; bypass it to prove the watch itself sees it.
  const { context, seen, app } = await openApp(env.browser, env.served, { bypassCSP: true });
  await app.open();
  await app.page.evaluate(() => fetch('http://127.0.0.2:9/collect').catch(() => 'refused'));
  await app.page.evaluate(() => fetch('./beacon', { method: 'POST', body: 'x' }).catch(() => 'refused'));
  assert.ok(seen.violations.some((v) => v.startsWith('GET http://127.0.0.2:9/collect')), seen.violations.join('\n'));
  assert.ok(seen.violations.some((v) => v.startsWith('POST ')), seen.violations.join('\n'));
  await context.close();
});

test('the Content-Security-Policy blocks an outside request and the console check sees it', async () => {
  const { context, seen, app } = await openApp(env.browser, env.served, );
  await app.open();
  const outcome = await app.page.evaluate(() => fetch('http://127.0.0.2:9/collect').then(() => 'sent', () => 'blocked'));
  assert.equal(outcome, 'blocked');
  assert.ok(seen.consoleErrors.some((e) => /Content Security Policy/i.test(e)), seen.consoleErrors.join('\n'));
  await context.close();
});
