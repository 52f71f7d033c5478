/**
 * A real browser for end-to-end tests: Debian's Chromium (`apt-get install chromium`,
 * done by .ci/run) driven by playwright-core, which downloads nothing. The
 * playwright-core version is pinned to the one built for the same Chromium major.
 * CHROMIUM_PATH overrides the executable.
 */
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { Stack } from './stack';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A phone-sized screen (an iPhone 12-14 in CSS pixels). */
export const PHONE = { width: 390, height: 844 } as const;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh context (no cookies, no cache); `phone` gives a mobile viewport with touch.
 * Waits for a missing element give up after 5 s, so a broken page fails fast.
 */
export async function newContext(browser: Browser, opts: { phone?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext(
    opts.phone
      ? {
          viewport: PHONE,
          screen: PHONE,
          isMobile: true,
          hasTouch: true,
          deviceScaleFactor: 2,
          locale: 'en-US',
        }
      : { viewport: { width: 1280, height: 900 }, locale: 'en-US' },
  );
  context.setDefaultTimeout(5_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}

/** Makes the stack's Fastify app listen on a real local port and returns its base URL. */
export async function listen(s: Stack): Promise<string> {
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = s.app.server.address() as AddressInfo;
  return `http://127.0.0.1:${addr.port}`;
}
