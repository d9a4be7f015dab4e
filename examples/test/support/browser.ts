import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, or the one CHROMIUM_PATH names. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}

/** What the stand-in plug.js records in the page. */
export interface EmulatorRecord {
  inits: Array<{ app_id?: unknown; session_token?: unknown }>;
  shutdowns: number;
}

declare global {
  interface Window {
    __plugEmulator?: EmulatorRecord;
    __reportCspViolation?: (violation: CspViolation) => void;
    __e2eMarker?: string;
    plugSDK?: unknown;
  }
}

export interface CspViolation {
  directive: string;
  blocked: string;
  sample: string;
}

/** A browser context that watches everything a test must find empty. */
export interface WatchedContext {
  context: BrowserContext;
  page: Page;
  /** `securitypolicyviolation` events, from every document the page showed. */
  violations: CspViolation[];
  /** Console errors and uncaught exceptions. */
  consoleErrors: Array<{ text: string; url: string }>;
  /** Requests that tried to leave the loopback interface (they were aborted). */
  offLoopback: string[];
  /** Navigations of the main frame (a single-page flow must have exactly one). */
  navigations: string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function watchedContext(browser: Browser): Promise<WatchedContext> {
  const context = await browser.newContext({ viewport: { width: 1180, height: 760 } });
  const watched: Omit<WatchedContext, 'page'> = {
    context,
    violations: [],
    consoleErrors: [],
    offLoopback: [],
    navigations: [],
  };
  // A binding survives navigations and is not subject to the page's CSP.
  await context.exposeBinding('__reportCspViolation', (_source, violation: CspViolation) => {
    watched.violations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__reportCspViolation?.({
        directive: event.violatedDirective,
        blocked: event.blockedURI,
        sample: event.sample,
      });
    });
  });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (LOOPBACK.has(url.hostname)) return route.continue();
    watched.offLoopback.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') {
      watched.consoleErrors.push({ text: message.text(), url: message.location().url });
    }
  });
  page.on('pageerror', (error) => watched.consoleErrors.push({ text: error.message, url: '' }));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) watched.navigations.push(frame.url());
  });
  return { ...watched, page };
}

/** The stand-in widget's selector for a state, optionally for one user. */
export function widget(state: 'anonymous' | 'identified' | 'invalid', userRef?: string): string {
  const ref = userRef === undefined ? '' : `[data-user-ref="${userRef}"]`;
  return `#plug-emulator-widget[data-state="${state}"]${ref}`;
}

/** What plug.js recorded, as plain data. */
export function emulatorRecord(page: Page): Promise<EmulatorRecord | undefined> {
  return page.evaluate(() =>
    window.__plugEmulator ? JSON.parse(JSON.stringify(window.__plugEmulator)) : undefined,
  );
}
