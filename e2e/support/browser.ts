import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { OUTPUT_DIR } from './kiwi-server.ts';

/** Debian's Chromium (installed by .ci/run); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What Chromium logs for a request to a Kiwi that is stopping (reset) or down (refused). */
export const KIWI_DOWN = /Failed to load resource: net::ERR_CONNECTION_(REFUSED|RESET)/;

export interface OpenedPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors, CSP violations and a development build seen so far: a clean dashboard has none. */
  problems: string[];
  /** Runs `during` with these console errors expected (e.g. requests refused while Kiwi is down on purpose). */
  tolerating<T>(errors: RegExp[], during: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  args?: string[];
  colorScheme?: 'light' | 'dark';
  /** Console errors that a test provokes on purpose (e.g. a refused request). */
  expectedErrors?: RegExp[];
}

export async function openDashboard(url: string, options: OpenOptions = {}): Promise<OpenedPage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: options.args ?? [] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  const problems: string[] = [];
  const expected = [...(options.expectedErrors ?? [])];
  page.on('console', (msg) => {
    const text = msg.text();
    if ((msg.type() === 'error' || /Content.Security.Policy/i.test(text)) && !expected.some((re) => re.test(text))) problems.push(`console: ${text}`);
    // Only React's development build says this: users must get the production one (smaller, faster, effects run once).
    if (/React DevTools/.test(text)) problems.push(`the dashboard is React's development build: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    const host = new URL(req.url()).host;
    if (host !== new URL(url).host) problems.push(`request to another host: ${req.url()}`);
  });
  await page.goto(url);
  return {
    browser,
    context,
    page,
    problems,
    async tolerating(errors, during) {
      expected.push(...errors);
      try {
        return await during();
      } finally {
        expected.splice(expected.length - errors.length, errors.length);
      }
    },
    async close() {
      await context.close();
      await browser.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUTPUT_DIR, `${name}.png`), fullPage: true });
}

/** Go to a view through the navigation, as a person would. */
export async function openView(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('main', { name: title }).waitFor();
}

/** Waits until the page's microphone is on; if it is not, the failure quotes what the page says (its alerts). */
export async function microphoneOn(page: Page, timeout = 15_000): Promise<void> {
  try {
    await page.getByRole('button', { name: 'Stop microphone', pressed: true }).waitFor({ timeout });
  } catch (err) {
    const said = await page.getByRole('alert').allTextContents();
    throw new Error(`the microphone did not start; the page says ${JSON.stringify(said)}`, { cause: err });
  }
}

/** The text of every live region on the page (aria-live, or one its role implies): what a screen reader is told as it changes. */
export const LIVE_TEXT = `[...document.querySelectorAll('[aria-live]:not([aria-live=off]), [role=log]:not([aria-live]), [role=status], [role=alert], [role=timer], [role=marquee]')].map((el) => el.textContent).join(' | ')`;
