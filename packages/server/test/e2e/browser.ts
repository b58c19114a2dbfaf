import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where end-to-end screenshots are written (looked at by people, not compared). */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', '..', '..', '.tmp', 'screenshots');

/**
 * Turns a Content-Security-Policy violation into an uncaught page error, which every journey
 * already collects and fails on: a blocked script, style, worker or media source must not pass
 * unnoticed. Init scripts run outside the page's policy.
 */
const CSP_VIOLATIONS_THROW = `document.addEventListener('securitypolicyviolation', (event) => {
  const what = event.blockedURI || 'inline';
  setTimeout(() => { throw new Error('CSP violation: ' + event.effectiveDirective + ' blocked ' + what); });
});`;

/** Console errors and uncaught page errors seen since the last `takeConsoleProblems()`. */
const problems: string[] = [];
/** Console errors the running test provoked on purpose (a refused payment, a locked stream). */
let expected: RegExp[] = [];

/**
 * Declares console errors the current test provokes on purpose, matched against the message
 * and the URL it came from; cleared by the next `takeConsoleProblems()`.
 */
export function expectConsoleErrors(...patterns: RegExp[]): void {
  expected.push(...patterns);
}

/** The unexpected console and page errors seen since the last call; a journey asserts none after each test. */
export function takeConsoleProblems(): string[] {
  expected = [];
  return problems.splice(0);
}

function watch(context: BrowserContext): void {
  context.on('page', (page) => {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = `${message.text()} (${message.location().url})`;
      if (!expected.some((pattern) => pattern.test(text))) problems.push(`${page.url()}: ${text}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: uncaught ${error.message}`));
  });
}

/**
 * Launches Debian's Chromium headless with the flags that work in this sandbox. Every page of
 * every context it opens is watched for console errors (see `takeConsoleProblems`), and CSP
 * violations are reported as page errors.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await launch();
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    watch(context);
    await context.addInitScript(CSP_VIOLATIONS_THROW);
    return context;
  };
  browser.newPage = async (options) => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    // As Playwright's own newPage: the page owns its context and closes it.
    page.on('close', () => void context.close());
    return page;
  };
  return browser;
}

async function launch(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}; install it (apt-get install chromium)`);
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.addInitScript(CSP_VIOLATIONS_THROW);
    return context;
  };
  browser.newPage = async (options) => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    // As Playwright's own newPage: the page owns its context and closes it.
    page.on('close', () => void context.close());
    return page;
  };
  return browser;
}

/**
 * Saves a full-page screenshot under .tmp/screenshots/<name>.png, from the top of the page: a
 * page scrolled by the test (to a focused field, say) would have its sticky top bar drawn
 * across the middle of the capture.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
