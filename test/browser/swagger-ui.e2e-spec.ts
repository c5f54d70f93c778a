import { Browser, chromium, Page } from 'playwright-core';
import { UserRepository } from '@app/dal/users';
import { session, Session } from '../support/session';
import { startTestApp, TestApp } from '../support/test-app';

/** Flags for a sandboxed, offline machine: no background requests to the internet. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('Swagger UI in a real browser', () => {
  let app: TestApp;
  let admin: Session;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await session(app, { admin: true });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
  });

  it('authorizes with an admin token and creates a user with POST /Admin/Users', async () => {
    await page.goto(`${app.url}/docs`);
    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input[type="text"]').fill(admin.token);
    await dialog.locator('button.modal-btn.authorize').click();
    await dialog.locator('button.btn-done').click();
    await dialog.waitFor({ state: 'detached' });

    const operation = page.locator('#operations-Admin-AdminUsersController_create');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('textarea.body-param__text').fill(JSON.stringify({ name: 'Made In Swagger', phone: '+6598765432' }));
    await operation.getByRole('button', { name: 'Execute' }).click();

    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.innerText()).trim()).toBe('201');
    const body = await operation.locator('.live-responses-table .response-col_description pre').first().innerText();
    expect(JSON.parse(body)).toMatchObject({ success: true, data: { name: 'Made In Swagger', phone: '+6598765432' } });
    expect(await app.get(UserRepository).findByPhone('+6598765432')).toMatchObject({ name: 'Made In Swagger' });
  });
});
