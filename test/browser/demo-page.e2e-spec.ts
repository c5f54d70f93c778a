import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { linkUsers } from '@app/testing';
import { session, Session } from '../support/session';
import { startTestApp, TestApp } from '../support/test-app';
import { CHROMIUM_ARGS } from './chromium';

/** Where the test leaves its screenshots for a person to look at (docs/images/demo-page.png is one of them). */
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join(process.cwd(), '.data', 'screenshots');

/**
 * The demo web client (/demo) end to end in Chromium: two browser contexts are two people, each
 * signed in by the link the seed prints. Everything goes through the page's own buttons and what
 * it shows; the server is the real app.
 */
describe('The demo page, two people in two browsers', () => {
  let app: TestApp;
  let browser: Browser;
  let cindy: Session;
  let yamada: Session;
  let cindyContext: BrowserContext;
  let yamadaContext: BrowserContext;
  let cindyPage: Page;
  let yamadaPage: Page;

  const open = async (context: BrowserContext, who: Session, withToken: boolean): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${app.url}/demo${withToken ? `#token=${who.token}` : ''}`);
    await page.locator('#me', { hasText: `signed in as ${who.user.name}` }).waitFor();
    await page.locator('#connection[data-state="online"]').waitFor();
    return page;
  };
  const openConversation = async (page: Page, other: Session) => {
    await page.locator(`#conversations li[data-user-id="${other.user.id}"]`).click();
    await page.locator('#with', { hasText: other.user.name }).waitFor();
  };
  const send = async (page: Page, text: string) => {
    await page.fill('#text', text);
    await page.click('#composer button[type="submit"]');
  };
  /** The message element with this text, on a page. */
  const message = (page: Page, text: string) => page.locator('#messages .message', { hasText: text });
  const tick = (page: Page, text: string, status: string) => message(page, text).locator(`.tick[data-status="${status}"]`);
  const screenshot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `demo-${name}.png`) });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startTestApp();
    cindy = await session(app, { name: 'Cindy Nguyen' });
    yamada = await session(app, { name: 'Yamada Takai' });
    await linkUsers(app, cindy.user, yamada.user);
    // Yamada's vault has his mobile number: he answers a request for it from there.
    await app.http().put('/Vault').set(yamada.auth).send({ fields: [{ path: '.contact.mobile', value: '6590909090' }] }).expect(200);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    cindyContext = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    yamadaContext = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('serves the page and its files, and nothing else under /demo', async () => {
    const page = await app.http().get('/demo').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<script src="/demo/demo.js" defer></script>');
    expect((await app.http().get('/demo/socket.io.min.js').expect(200)).headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const path of ['/demo/../package.json', '/demo/%2e%2e%2fpackage.json', '/demo/demo-files.ts']) {
      expect((await app.http().get(path)).status).toBe(404);
    }
    expect((await app.http().get('/').expect(200)).body.data.demoPage).toBe('/demo');
  });

  it('refuses a bad token with the reason, on the sign-in form', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${app.url}/demo#token=not-a-token`);
      await page.locator('#sign-in-error', { hasText: /token/i }).waitFor();
      expect(await page.locator('#sign-in').isVisible()).toBe(true);
      expect(await page.locator('#chat').isVisible()).toBe(false);
      expect(await page.evaluate(() => localStorage.getItem('chat-demo.token'))).toBeNull();
    } finally {
      await context.close();
    }
  });

  it('signs in from the link, lists the conversation with presence, and sends and receives with ticks that reach seen', async () => {
    cindyPage = await open(cindyContext, cindy, true);
    // The token left the address bar once read.
    expect(new URL(cindyPage.url()).hash).toBe('');
    await cindyPage.locator(`#conversations li[data-user-id="${yamada.user.id}"] .presence[data-online="false"]`).waitFor();

    yamadaPage = await open(yamadaContext, yamada, true);
    await yamadaPage.locator(`#conversations li[data-user-id="${cindy.user.id}"] .presence[data-online="true"]`).waitFor();

    await openConversation(cindyPage, yamada);
    await openConversation(yamadaPage, cindy);
    await send(cindyPage, 'Hi Yamada, are we still on for Friday?');
    await message(yamadaPage, 'Hi Yamada, are we still on for Friday?').waitFor();
    // Yamada has the conversation on screen: his page reports it seen, and Cindy's tick says so.
    await tick(cindyPage, 'are we still on for Friday?', 'seen').waitFor();

    await send(yamadaPage, 'Yes, 10am at the north gate.');
    await message(cindyPage, '10am at the north gate').waitFor();
    await tick(yamadaPage, '10am at the north gate', 'seen').waitFor();
  });

  it('a tab closed and reopened catches up through sync: the tick goes sent, delivered, seen', async () => {
    await yamadaPage.close();
    await send(cindyPage, 'I will need your mobile number for the visitor pass.');
    // Nobody of Yamada's has it: sent, and it stays sent.
    await tick(cindyPage, 'visitor pass', 'sent').waitFor();
    expect(await message(cindyPage, 'visitor pass').locator('.tick').getAttribute('data-status')).toBe('sent');
    await screenshot(cindyPage, 'sent');

    // Reopened without the link: the token and the sync cursor were kept by the browser.
    yamadaPage = await open(yamadaContext, yamada, false);
    await yamadaPage.locator('#caught-up', { hasText: 'Caught up through sync: 1 new message while you were away.' }).waitFor();
    await yamadaPage.locator(`#conversations li[data-user-id="${cindy.user.id}"] .unread[data-count="1"]`).waitFor();
    // On his device, not yet read: delivered.
    await tick(cindyPage, 'visitor pass', 'delivered').waitFor();
    await screenshot(yamadaPage, 'caught-up');

    await openConversation(yamadaPage, cindy);
    await message(yamadaPage, 'visitor pass').waitFor();
    await tick(cindyPage, 'visitor pass', 'seen').waitFor();
    await yamadaPage.locator(`#conversations li[data-user-id="${cindy.user.id}"] .unread[data-count="0"]`).waitFor({ state: 'attached' });
  });

  it('deletes a message for both', async () => {
    await send(cindyPage, 'Sent to the wrong person, sorry');
    await tick(cindyPage, 'wrong person', 'seen').waitFor();
    const uniqueid = await message(cindyPage, 'wrong person').getAttribute('data-uniqueid');
    await message(cindyPage, 'wrong person').locator('button.delete').click();
    await yamadaPage.locator(`#messages .message.deleted[data-uniqueid="${uniqueid}"]`, { hasText: 'This message was deleted' }).waitFor();
    await cindyPage.locator(`#messages .message.deleted[data-uniqueid="${uniqueid}"]`).waitFor();
    expect(await yamadaPage.locator('#messages').textContent()).not.toContain('wrong person');
  });

  it('sends a DRFI request that the other answers from the vault', async () => {
    await cindyPage.click('#ask');
    await cindyPage.locator('#drfi-fields input[value=".contact.mobile"]').check();
    await cindyPage.click('#drfi-request button[type="submit"]');
    await cindyPage.locator('#messages .message.drfi', { hasText: 'You asked for: Mobile phone (waiting for an answer)' }).waitFor();

    // Yamada's page shows the request with his vault's value, ready to share.
    const request = yamadaPage.locator('#messages .message.drfi', { hasText: 'They ask for: Mobile phone' });
    const field = request.locator('input[name=".contact.mobile"]');
    await field.waitFor();
    expect(await field.inputValue()).toBe('6590909090');
    await screenshot(yamadaPage, 'drfi-request');
    await request.locator('button[type="submit"]', { hasText: 'Share' }).click();

    await cindyPage.locator('#messages .message.drfi', { hasText: 'Mobile phone: 6590909090' }).waitFor();
    await cindyPage.locator('#messages .message.drfi', { hasText: 'You asked for: Mobile phone (accepted)' }).waitFor();
    await yamadaPage.locator('#messages .message.drfi', { hasText: 'They ask for: Mobile phone (accepted)' }).waitFor();
    // Answered once: no form is left to answer it again.
    expect(await yamadaPage.locator('#messages form.drfi-answer').count()).toBe(0);
    await screenshot(cindyPage, 'conversation');
  });
});

describe('The demo page where it is off (production, unless DEMO_PAGE=on)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ demoPage: false });
  });
  afterAll(() => app.close());

  it('is not served, and GET / does not point at it', async () => {
    for (const path of ['/demo', '/demo/demo.js', '/demo/socket.io.min.js']) {
      const res = await app.http().get(path).expect(404);
      expect(res.body).toMatchObject({ success: false, error: { code: 'ROUTE_NOT_FOUND' } });
    }
    const root = await app.http().get('/').expect(200);
    expect(root.body.data).not.toHaveProperty('demoPage');
  });
});

