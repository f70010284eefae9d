/**
 * The web console (`/__local/console`) in a real browser: Debian's chromium driven by
 * playwright-core, against spotinst-local as built into dist/. Each main view is saved as a
 * screenshot under test-output/console/; with UPDATE_DOCS=1 the ones docs/console.md shows
 * are copied to docs/images/console/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { chromium } from 'playwright-core';
import { describeWith, locate } from '../helpers/requirements';
import { REPO_ROOT, startWorld, type World } from './world';

/** What the callbacks given to page.evaluate use: they run in the page, whose DOM types this (node) project does not load. */
interface PageElement {
  tagName: string;
  textContent: string | null;
}
declare const document: {
  activeElement: PageElement | null;
  body: PageElement;
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
};
declare function getComputedStyle(element: PageElement): { outlineStyle: string };

const OUTPUT = path.join(REPO_ROOT, 'test-output', 'console');
const DOC_IMAGES = path.join(REPO_ROOT, 'docs', 'images', 'console');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describeWith(['chromium'], 'the web console in a real browser', () => {
  let world: World;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** every request any page of the test made, and every dialog a page opened (a script that ran would open one) */
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    world = await startWorld();
    browser = await chromium.launch({
      executablePath: locate('chromium'),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    page.on('request', (request: Request) => requests.push(request.url()));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });

  afterEach(async () => {
    await context.close();
  });

  const consoleUrl = (fragment = ''): string => `${world.platform.consoleUrl}${fragment}`;

  async function screenshot(name: string, forDocs = true): Promise<void> {
    const file = path.join(OUTPUT, `${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    if (forDocs && process.env.UPDATE_DOCS === '1') {
      fs.mkdirSync(DOC_IMAGES, { recursive: true });
      fs.copyFileSync(file, path.join(DOC_IMAGES, `${name}.png`));
    }
  }

  async function signIn(fragment = ''): Promise<void> {
    await page.goto(consoleUrl(`#token=${world.platform.token}${fragment ? `&${fragment}` : ''}`));
  }

  test('the page is served with a Content-Security-Policy and no inline script; its assets are files of the platform', async () => {
    const reply = await fetch(consoleUrl());
    expect(reply.status).toBe(200);
    const csp = reply.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await reply.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/__local\/console\/app\.js"/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/https?:\/\//);
    const script = await fetch(consoleUrl('/app.js'));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).not.toMatch(/innerHTML|eval\(|new Function/);
  });

  test('with a wrong token the sign-in form is shown and nothing else; the token leaves the address bar', async () => {
    await page.goto(consoleUrl(`#token=not-the-token&function=${world.hello.id}`));
    await page.getByRole('alert').filter({ hasText: 'did not accept' }).waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain('Sign in');
    expect(text).not.toContain(world.hello.name);
    expect(text).not.toContain(world.applicationName);
    expect(await page.locator('nav').count()).toBe(0);
    expect(page.url()).not.toContain('not-the-token');
    expect(page.url()).toContain(`#function=${world.hello.id}`);
    await screenshot('sign-in', false);
  });

  test('sign in with the form and see the functions (overview)', async () => {
    await page.goto(consoleUrl());
    await page.getByLabel('Token').fill(world.platform.token);
    await page.getByLabel('Token').press('Enter');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    for (const name of [world.hello.name, world.markup.name]) await page.getByRole('link', { name, exact: true }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain(`Application ${world.applicationName}`);
    expect(text).toContain('Traffic split');
    expect(text).toMatch(/v0 30 %/);
    expect(text).toMatch(/\$LATEST \(v1\) 70 %/);
    expect(text).toContain('POST /orders');
    expect(text).toContain('/alias/shop.example.test/orders');
    expect(text).toMatch(/0 3 \* \* \*[\s\S]*UTC/);
    expect(text).toContain('API_KEY');
    expect(text).not.toContain('not-shown-by-the-console');
    await screenshot('overview');
    // the token is kept for this tab: a reload stays signed in; signing out forgets it
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token').waitFor();
    await page.reload();
    await page.getByLabel('Token').waitFor();
    expect(await page.locator('body').innerText()).not.toContain(world.hello.name);
  });

  test('a deep link #token=…&function=… opens the function; the token is in no URL the browser requested', async () => {
    const before = requests.length;
    await signIn(`function=${world.hello.id}`);
    await page.getByRole('heading', { level: 1, name: world.hello.name }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#function=${world.hello.id}`);
    const made = requests.slice(before);
    expect(made.some((url) => url.includes('/__local/api/'))).toBe(true);
    expect(made.filter((url) => url.includes(world.platform.token))).toEqual([]);
  });

  test('a function page lists invocations; one opens to its request, response and log lines; replay runs it again', async () => {
    await signIn(`function=${world.hello.id}`);
    await page.getByRole('heading', { level: 1, name: world.hello.name }).waitFor();
    const rows = page.locator('table.invocations tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(7);
    expect(await page.locator('table.invocations').innerText()).toMatch(/error/);
    await page.locator('.charts svg').first().waitFor();
    await page.getByText('live', { exact: true }).waitFor();
    await screenshot('function');
    await page.evaluate("document.querySelector('.charts').parentElement.scrollIntoView({ block: 'start' })");
    await screenshot('function-activity');

    // the oldest call: {"order":0}
    await rows.last().getByRole('link').click();
    const detail = page.locator('.detail');
    await detail.getByText('hello called with {"order":0}').waitFor();
    const text = await detail.innerText();
    expect(text).toContain('POST /');
    expect(text).toContain('HTTP 200');
    expect(text).toContain('"greeting": "hello"');
    expect(text).toMatch(/second line of v[01]/);
    await screenshot('invocation');

    const invocationOf = (url: URL): string | null => new URLSearchParams(url.hash.slice(1)).get('invocation');
    const replayed = invocationOf(new URL(page.url()));
    expect(replayed).toBeTruthy();
    await detail.getByRole('button', { name: 'Replay' }).click();
    await page.waitForURL((url) => invocationOf(url) !== null && invocationOf(url) !== replayed);
    await page.locator('.detail').getByText('hello called with {"order":0}').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table.invocations tbody tr').length === 8);
  });

  test('invoking from the page (by keyboard alone) and from outside shows the calls live', async () => {
    await signIn(`function=${world.hello.id}`);
    await page.getByRole('heading', { level: 1, name: world.hello.name }).waitFor();
    await page.getByText('live', { exact: true }).waitFor();
    const rows = page.locator('table.invocations tbody tr');
    const count = await rows.count();

    // a call from outside the page appears without a reload
    await fetch(world.hello.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"outside"}' });
    await expectRows(count + 1);

    // Tab from the top of the page to "Invoke", Enter to press it
    await page.getByLabel('Body (JSON is sent as application/json)').fill('{"from":"keyboard"}');
    await page.locator('h1').focus();
    let reached = false;
    for (let presses = 0; presses < 40 && !reached; presses += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent === 'Invoke' && document.activeElement.tagName === 'BUTTON');
    }
    expect(reached).toBe(true);
    const focusRing = await page.evaluate(() => getComputedStyle(document.activeElement ?? document.body).outlineStyle);
    expect(focusRing).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.locator('.invoke-result').getByText('HTTP 200').waitFor();
    expect(await page.locator('.invoke-result').innerText()).toContain('"from": "keyboard"');
    await expectRows(count + 2);

    async function expectRows(expected: number): Promise<void> {
      await page.waitForFunction((n) => document.querySelectorAll('table.invocations tbody tr').length === n, expected, { timeout: 10000 });
    }
  });

  test('a function that logs and returns markup shows it as text; no script of it runs', async () => {
    await signIn(`function=${world.markup.id}`);
    await page.getByRole('heading', { level: 1, name: world.markup.name }).waitFor();
    await page.locator('table.invocations tbody tr').first().getByRole('link').click();
    const detail = page.locator('.detail');
    await detail.getByText('<script>document.title = "pwned"</script>', { exact: false }).waitFor();
    expect(await detail.innerText()).toContain('<b>bold?</b><script>alert(1)</script>');
    expect(await page.locator('main script, main img, main b').count()).toBe(0);
    expect(await page.title()).not.toMatch(/pwned|^1$/);
    expect(dialogs).toEqual([]);
  });

  test('documents of an environment: list, view, edit, add, delete', async () => {
    await signIn(`documents=${world.environmentId}`);
    await page.getByRole('heading', { level: 1, name: /Documents/ }).waitFor();
    const list = page.locator('.documents');
    await list.getByText('settings', { exact: true }).waitFor();
    expect(await list.innerText()).toContain('Winter sale');

    const settingsRow = list.locator('tr', { hasText: 'settings' });
    await settingsRow.getByRole('button', { name: 'View' }).click();
    expect(await page.locator('.editor pre').innerText()).toContain('"currency": "EUR"');
    await screenshot('documents');

    await settingsRow.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel(/^Value/).fill('{"currency": "USD"}');
    await page.getByRole('button', { name: 'Save' }).click();
    await list.getByText('{"currency":"USD"}').waitFor();
    expect((await world.client.documents.get(world.environmentId, 'settings'))?.value).toEqual({ currency: 'USD' });

    await page.getByRole('button', { name: 'New document' }).click();
    await page.getByLabel('Key').fill('feature-flags');
    await page.getByLabel(/^Value/).fill('{"beta": true}');
    await page.getByRole('button', { name: 'Save' }).click();
    await list.getByText('feature-flags', { exact: true }).waitFor();

    const bannerRow = list.locator('tr', { hasText: 'banner' });
    await bannerRow.getByRole('button', { name: 'Delete banner' }).click();
    await bannerRow.getByRole('button', { name: 'Confirm delete' }).click();
    await page.waitForFunction(() => !document.querySelector('.documents')?.textContent?.includes('Winter sale'));
    expect(await world.client.documents.get(world.environmentId, 'banner')).toBeUndefined();
  });

  test('the platform view shows stats and the worker processes with their function, pid and memory', async () => {
    await signIn('platform');
    await page.getByRole('heading', { level: 1, name: 'Platform' }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/Invocations\s+\d+/);
    expect(text).toContain('Faults in force');
    const workers = page.locator('main table', { hasText: 'PID' });
    await workers.getByRole('link', { name: world.hello.name }).first().waitFor();
    expect(await workers.innerText()).toMatch(/\b\d{2,}\b/);
    await screenshot('platform');
  });

  test('at phone width the views fit the screen', async () => {
    await page.setViewportSize(PHONE);
    for (const [fragment, heading] of [
      ['overview', 'Overview'],
      [`function=${world.hello.id}`, world.hello.name],
    ] as const) {
      await signIn(fragment);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    }
    await screenshot('phone');
  });

  test('no request left the platform’s origin', () => {
    const origin = new URL(world.platform.url).origin;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  });
});
