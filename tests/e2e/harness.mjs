// Shared e2e harness: launches Debian's Chromium, watches every request and console message of a browser
// context, and offers page objects for the app's views (data-testid locators only).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startServer } from './server.mjs';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = fileURLToPath(new URL('.', import.meta.url));
export const REPO = resolve(HERE, '../..');
export const DIST = process.env.PIPELENS_DIST ?? join(REPO, 'dist');
export const SHOTS = process.env.PIPELENS_SHOTS ?? join(REPO, 'target/e2e-screenshots');
export const FIXTURES = join(REPO, 'tests/fixtures');

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the README's test command installs Debian's chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Records, for a whole browser context (pages and workers), every request that is not a GET of one of the
 * app's own files under `served.base`, and every console error or uncaught page error.
 */
export function watch(context, served) {
  const violations = [];
  const consoleErrors = [];
  // Every request's path (and the frame or worker it came from), so a test can see what was watched.
  const requests = [];
  const ownFile = (url) => {
    if (url.origin !== served.origin || !url.pathname.startsWith(served.base)) return false;
    const rel = decodeURIComponent(url.pathname.slice(served.base.length)) || 'index.html';
    return existsSync(join(served.root, rel.endsWith('/') ? rel + 'index.html' : rel));
  };
  context.on('request', (request) => {
    let url;
    try {
      url = new URL(request.url());
      requests.push(url.pathname);
    } catch {
      violations.push(`${request.method()} ${request.url()} (unparseable URL)`);
      return;
    }
    if (request.method() !== 'GET' || !ownFile(url)) {
      violations.push(`${request.method()} ${request.url()} (${request.resourceType()})`);
    }
  });
  const onPage = (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  };
  context.on('page', onPage);
  context.pages().forEach(onPage);
  return { violations, consoleErrors, requests };
}

/** Text with its runs of white space made single spaces, trimmed. */
export const plain = (text) => text.replace(/\s+/g, ' ').trim();

/** Page object for the app frame and the Import view. */
export class AppPage {
  constructor(page, served) {
    this.page = page;
    this.served = served;
  }

  async open(query = '') {
    await this.page.goto(this.served.url + query);
    await this.page.getByTestId('main').waitFor();
  }

  nav(view) {
    return this.page.getByTestId(`nav-${view}`);
  }

  async readyCount() {
    return this.page.evaluate(() => performance.getEntriesByName('pipelens:ready').length);
  }

  /** Runs `action`, then waits until the app marks its result as drawn (`pipelens:ready`). */
  async untilReady(action, timeout = 120_000) {
    const before = await this.readyCount();
    await action();
    await this.page.waitForFunction(
      (n) => performance.getEntriesByName('pipelens:ready').length > n, before, { timeout });
  }

  /** Opens `query` and loads the demo team in one click (as of 2026-03-15 unless the query says). */
  async loadDemo(query = '?view=people&asof=2026-03-15') {
    await this.open(query);
    await this.untilReady(() => this.page.getByTestId('try-demo').click());
  }

  /** Picks files in the Import view and waits until the app marks the result as shown. */
  async importFiles(paths) {
    await this.untilReady(() => this.page.getByTestId('file-input').setInputFiles(paths), 60_000);
  }

  /** Drops files on the drop zone as a drag from the desktop would, and waits for the result. */
  async dropFiles(paths) {
    const files = paths.map((path) => ({ name: basename(path), bytes: [...readFileSync(path)] }));
    const transfer = await this.page.evaluateHandle((files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
      return dt;
    }, files);
    await this.untilReady(
      () => this.page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer }), 60_000);
  }

  cards() {
    return this.page.getByTestId('file-card');
  }

  async screenshot(name) {
    mkdirSync(SHOTS, { recursive: true });
    const path = join(SHOTS, `${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }
}

/** A fresh browser context with every request and console message watched, and the app's page object. */
export async function openApp(browser, served, contextOptions = { viewport: { width: 1280, height: 900 } }) {
  const context = await browser.newContext(contextOptions);
  const seen = watch(context, served);
  const app = new AppPage(await context.newPage(), served);
  return { context, seen, app };
}

/** Closes a context after checking it made no foreign request and logged no console error. */
export async function closeClean(context, seen) {
  assert.deepEqual(seen.violations, []);
  assert.deepEqual(seen.consoleErrors, []);
  await context.close();
}

/** Serves the built app under `/a/b/` and launches Chromium for one test file (its before / after hooks);
 * the returned object holds `served` and `browser` once the tests run. */
export function servedApp() {
  const env = { served: null, browser: null };
  before(async () => {
    env.served = await startServer(DIST, '/a/b/');
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.served?.close();
  });
  return env;
}
