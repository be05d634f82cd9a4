// Accessibility: axe-core (WCAG 2 A and AA rules) on Import and the five views with the demo team loaded,
// in light and dark; and a keyboard walk: the skip link, the nav and a figure's math reachable with Tab and
// Enter alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { AppPage, servedApp } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const VIEWS = ['import', 'people', 'planning', 'process', 'pipeline', 'performance', 'forecast'];

const env = servedApp();

/** The page's WCAG 2 A/AA violations, one line each, with every folded part unfolded first (folded parts
 * — column mappings, rejected rows, matches across files — build their content when opened: two frames
 * are let draw before the scan). */
async function violations(page) {
  await page.evaluate(() => new Promise((drawn) => {
    document.querySelectorAll('details').forEach((d) => { d.open = true; });
    setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(drawn)), 0);
  }));
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

test('no WCAG 2 A/AA violations on any view, light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    // axe is injected as a script tag, which the app's CSP rightly refuses: this context bypasses it.
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme, bypassCSP: true });
    const app = new AppPage(await context.newPage(), env.served);
    await app.loadDemo();
    await app.page.getByTestId('team-table').waitFor();
    const found = [];
    for (const view of VIEWS) {
      await app.nav(view).click();
      await app.page.getByTestId(`view-${view}`).waitFor();
      await app.page.waitForTimeout(800);
      found.push(...(await violations(app.page)).map((r) => `${scheme} ${view}: ${r}`));
    }
    await context.close();
    assert.deepEqual(found, []);
  }
});

test('no WCAG 2 A/AA violations on a rep\'s page (coaching, what-if) and the 1:1 pack', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const app = new AppPage(await context.newPage(), env.served);
  await app.loadDemo();
  await app.page.getByTestId('team-table').waitFor();
  const rep = (await app.page.getByTestId('team-table').locator('tbody').getByRole('link').first().textContent()).trim();
  const found = [];
  for (const [name, query, ready] of [
    ['rep page', `?view=people&asof=2026-03-15&rep=${encodeURIComponent(rep)}`, 'what-if'],
    ['1:1 pack', `?view=people&asof=2026-03-15&rep=${encodeURIComponent(rep)}&pack=1`, 'pack-plan'],
  ]) {
    await app.loadDemo(query);
    await app.page.getByTestId(ready).waitFor({ timeout: 60_000 });
    await app.page.waitForTimeout(800);
    found.push(...(await violations(app.page)).map((r) => `${name}: ${r}`));
  }
  await context.close();
  assert.deepEqual(found, []);
});

test('keyboard alone reaches the views and a figure\'s math', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const app = new AppPage(await context.newPage(), env.served);
  await app.loadDemo();
    await app.page.getByTestId('team-table').waitFor();
  await app.page.keyboard.press('Tab');
  assert.equal(await app.page.evaluate(() => document.activeElement?.textContent), 'Skip to the numbers');
  // Tab until the Pipeline link of the nav, then Enter.
  for (let i = 0; i < 40; i++) {
    await app.page.keyboard.press('Tab');
    if (await app.page.evaluate(() => document.activeElement?.dataset?.testid === 'nav-pipeline')) break;
  }
  await app.page.keyboard.press('Enter');
  await app.page.getByTestId('view-pipeline').waitFor();
  // On to the first figure, Enter opens its math; Escape closes it.
  for (let i = 0; i < 60; i++) {
    await app.page.keyboard.press('Tab');
    if (await app.page.evaluate(() => document.activeElement?.classList.contains('figure'))) break;
  }
  assert.ok(await app.page.evaluate(() => document.activeElement?.classList.contains('figure')), 'a figure takes focus');
  await app.page.keyboard.press('Enter');
  await app.page.getByTestId('math-records').waitFor({ timeout: 30_000 });
  await app.page.keyboard.press('Escape');
  await app.page.locator('.drawer').waitFor({ state: 'detached' });
  await context.close();
});
