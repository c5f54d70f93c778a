import { Browser, chromium, Page } from 'playwright-core';
import { UserRepository } from '@app/dal/users';
import { session, Session } from '../support/session';
import { startTestApp, TestApp } from '../support/test-app';
import { CHROMIUM_ARGS } from './chromium';


describe('Swagger UI in a real browser', () => {
  let app: TestApp;
  let admin: Session;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await session(app, { admin: true });
    // Opened by host name over plain HTTP, as an admin on the network would (not localhost, which
    // browsers treat as secure): a content policy that asks for HTTPS would leave a blank page.
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP chat-admin.example 127.0.0.1'],
    });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
  });

  it('authorizes with an admin token and creates a user with POST /Admin/Users', async () => {
    await page.goto(`${app.url.replace('127.0.0.1', 'chat-admin.example')}/docs`);
    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input[type="text"]').fill(admin.token);
    await dialog.locator('button.modal-btn.authorize').click();
    await dialog.locator('button.btn-done').click();
    await dialog.waitFor({ state: 'detached' });

    const operation = page.locator('#operations-Admin-createUser');
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
