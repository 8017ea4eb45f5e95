/**
 * The debug console in a real browser: Debian's headless Chromium driven by playwright-core. The
 * page logs in with an app's key and secret, shows an event triggered through the SDK in its live
 * log, shows a pusher-js client's presence channel and member, and sends its trigger form to that
 * client; the development app opens without a login. On failure a screenshot is kept under
 * `.test-results/`. A missing Chromium is a failure with instructions, never a skip.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nextEvent, pushwireSdk, subscribed } from '@pushwire/test-support';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createServer, type ServerOptions } from '../src/index';
import { pusherClient } from './conformance-helpers';
import { APP } from './ws-helpers';

const CHROMIUM = process.env['PUSHWIRE_CHROMIUM'] ?? '/usr/bin/chromium';
const RESULTS = fileURLToPath(new URL('../../../.test-results/', import.meta.url));

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set PUSHWIRE_CHROMIUM`,
    );
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function start(options: ServerOptions) {
  const server = createServer({ port: 0, logLevel: 'silent', ...options });
  onTestFinished(() => server.close());
  const address = await server.listen();
  return { server, address };
}

/** Runs `steps` on a fresh page; keeps a screenshot when they fail. */
async function withPage(name: string, steps: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext();
  onTestFinished(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await steps(page);
    expect(errors).toEqual([]);
  } catch (error) {
    mkdirSync(RESULTS, { recursive: true });
    await page
      .screenshot({ path: `${RESULTS}console-browser-${name}.png`, fullPage: true })
      .catch(() => undefined);
    throw error;
  }
}

describe('the console page in Chromium', () => {
  it('logs in, shows SDK events, a presence channel with its member, and triggers', async () => {
    const { address } = await start({ apps: [APP], console: { enabled: true } });
    await withPage('login', async (page) => {
      await page.goto(`${address.url}/console`);
      await page.locator('#login').waitFor();
      expect(await page.locator('#app').isVisible()).toBe(false);
      await page.locator('#login-key').fill(APP.key);
      await page.locator('#login-secret').fill('not-the-secret');
      await page.locator('#login-form button[type=submit]').click();
      await expect
        .poll(() => page.locator('#login-error').textContent())
        .toBe('Invalid key or secret');
      await page.locator('#login-secret').fill(APP.secret);
      await page.locator('#login-form button[type=submit]').click();
      await page.locator('#app-status.live').waitFor();
      expect(await page.locator('#login').isVisible()).toBe(false);
      expect(await page.locator('#login-secret').inputValue()).toBe('');

      const sdk = pushwireSdk(address.port, APP);
      await sdk.trigger('orders', 'order-created', { id: 42 });
      const row = page.locator('#log tr[data-kind=api_event][data-event=order-created]');
      await row.waitFor();
      expect(await row.textContent()).toContain('{"id":42}');

      const client = pusherClient(address.port, { userId: 'alice', userInfo: { name: 'Alice' } });
      await subscribed(client, 'presence-lobby');
      await page.locator('#channels tr[data-channel=presence-lobby]').waitFor();
      await page.locator('tr[data-members-of=presence-lobby] [data-user-id=alice]').waitFor();
      await page.locator('#log tr[data-kind=subscribed][data-channel=presence-lobby]').waitFor();
      expect(await page.locator('#connections').textContent()).toBe('1');

      await page.locator('#trigger-channel').fill('presence-lobby');
      await page.locator('#trigger-event').fill('from-console');
      await page.locator('#trigger-data').fill('{not json');
      await page.locator('#trigger-form button[type=submit]').click();
      expect(await page.locator('#trigger-result').textContent()).toMatch(/not valid JSON/);
      const received = nextEvent<{ ok: boolean }>(client, 'presence-lobby', 'from-console');
      await page.locator('#trigger-data').fill('{"ok":true}');
      await page.locator('#trigger-form button[type=submit]').click();
      expect(await received).toEqual({ ok: true });
      await expect.poll(() => page.locator('#trigger-result').textContent()).toBe('Triggered.');

      await page.locator('#filter-channel').fill('orders');
      expect(await row.isVisible()).toBe(true);
      expect(
        await page
          .locator('#log tr[data-kind=subscribed][data-channel=presence-lobby]')
          .isVisible(),
      ).toBe(false);
    });
  });

  it('opens the development app on loopback without a login', async () => {
    const { address } = await start({});
    await withPage('dev-app', async (page) => {
      await page.goto(`${address.url}/console`);
      await page.locator('#app-status.live').waitFor();
      expect(await page.locator('#app-id').textContent()).toBe('app-id');
      expect(await page.locator('#login').isVisible()).toBe(false);
    });
  });
});
