import { createDrfiRequest, createMessage, createUser } from '@app/testing';
import { chatAs } from './support/chat-client';
import { conversationFixture, session, Session } from './support/session';
import { collect, connect } from './support/socket-client';
import { startTestApp, TestApp, testConfig } from './support/test-app';

/**
 * Reports and moderation (docs/decisions.md, "Reports and moderation"): a user reports a message
 * they received or a user; an admin works the queue (delete for everyone, suspend, close), and
 * every admin action is in the audit trail.
 */
describe('Reports and moderation', () => {
  let app: TestApp;
  let admin: Session;

  beforeAll(async () => {
    app = await startTestApp({ rest: { ...testConfig().rest, reportsPerDay: 3 } });
    admin = await session(app, { admin: true });
  });
  afterAll(() => app.close());

  const report = (who: Session, body: object) => app.http().post('/Reports').set(who.auth).send(body);
  const openReports = async () => (await app.http().get('/Admin/Reports').set(admin.auth).expect(200)).body.data;
  const auditOf = async (userId: string) => (await app.http().get(`/Admin/Audit?userId=${userId}`).set(admin.auth).expect(200)).body.data;

  it('a reported message reaches the queue; the admin deletes it for everyone, suspends the sender and closes the report, each action audited', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const sent = await chatAs(app, alice).send(conversationId, bob, 'buy cheap followers at example.test').expect(200);
    const messageId = sent.body.data.messageid ?? sent.body.data.messageId ?? sent.body.data._id;
    expect(messageId).toMatch(/^[0-9a-f]{24}$/);

    const filed = await report(bob, { messageId, reason: 'spam', note: 'Sends this to everyone' }).expect(201);
    expect(filed.body).toEqual({ success: true, message: 'Report filed', data: { reportId: expect.stringMatching(/^[0-9a-f]{24}$/), status: 'open', reportedAt: expect.any(String) } });
    const { reportId } = filed.body.data;
    // Reporting it again is the same report.
    expect((await report(bob, { messageId, reason: 'harassment' }).expect(201)).body.data.reportId).toBe(reportId);

    const queue = await openReports();
    expect(queue.reports).toContainEqual(
      expect.objectContaining({
        reportId, kind: 'message', reporterId: bob.user.id, userId: alice.user.id, messageId, reason: 'spam',
        note: 'Sends this to everyone', messageText: 'buy cheap followers at example.test', messageType: 'text', status: 'open',
      }),
    );

    // Delete for everyone: both parties' sockets hear it, and it reads as deleted, as a sender's delete.
    const [aliceSocket, bobSocket] = [await connect(app, alice.token), await connect(app, bob.token)];
    try {
      const heard = [collect(aliceSocket, 'messageDeleted'), collect(bobSocket, 'messageDeleted')];
      const deleted = await app.http().delete(`/Admin/Messages/${messageId}`).set(admin.auth).expect(200);
      expect(deleted.body).toEqual({ success: true, message: 'Message deleted for everyone', data: { conversationId, messageId } });
      for (const collector of heard) expect(await collector.next()).toMatchObject({ messageid: messageId, conversationId });
    } finally {
      aliceSocket.close();
      bobSocket.close();
    }
    const history = await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200);
    expect(history.body.data.messages).toEqual([expect.objectContaining({ messageid: messageId, Isdeleted: true, Datedeleted: expect.any(String) })]);
    await app.http().delete(`/Admin/Messages/${messageId}`).set(admin.auth).expect(200);

    await app.http().post(`/Admin/Users/${alice.user.id}/Suspend`).set(admin.auth).expect(200);
    expect((await app.http().get('/Network/Members').set(alice.auth).expect(403)).body.error.code).toBe('ACCOUNT_SUSPENDED');

    const closed = await app.http().post(`/Admin/Reports/${reportId}/Close`).set(admin.auth).send({ resolution: 'actioned' }).expect(200);
    expect(closed.body.data).toMatchObject({ reportId, status: 'closed', resolution: 'actioned', closedBy: admin.user.id, closedAt: expect.any(String) });
    expect((await openReports()).reports.map((r: { reportId: string }) => r.reportId)).not.toContain(reportId);
    const closedList = (await app.http().get('/Admin/Reports?status=closed').set(admin.auth).expect(200)).body.data.reports;
    expect(closedList.map((r: { reportId: string }) => r.reportId)).toContain(reportId);
    expect((await app.http().post(`/Admin/Reports/${reportId}/Close`).set(admin.auth).send({ resolution: 'dismissed' }).expect(409)).body.error.code).toBe('REPORT_CLOSED');

    // The audit trail, newest first: who did what to which ids.
    const trail = (await app.http().get('/Admin/Audit').set(admin.auth).expect(200)).body.data;
    const mine = trail.filter((e: { targets: Record<string, string> }) => e.targets.messageId === messageId || e.targets.reportId === reportId || e.targets.userId === alice.user.id);
    expect(mine.map((e: { action: string }) => e.action)).toEqual(['closeReport', 'suspendUser', 'deleteMessageForEveryone', 'deleteMessageForEveryone']);
    expect(mine[0]).toEqual({
      id: expect.any(String), actorId: admin.user.id, action: 'closeReport', method: 'POST', route: '/Admin/Reports/:reportId/Close',
      targets: { reportId }, resolution: 'actioned', at: expect.any(String),
    });
    expect(mine[1]).toMatchObject({ route: '/Admin/Users/:userId/Suspend', targets: { userId: alice.user.id } });
    expect((await auditOf(alice.user.id)).map((e: { action: string }) => e.action)).toEqual(['suspendUser']);
    // The failed close (409) left no row.
    expect(mine.filter((e: { resolution: string | null }) => e.resolution === 'dismissed')).toEqual([]);
  });

  it('reports a user; every other admin action is audited too (create, link, unlink, revoke, restore)', async () => {
    const [reporter, other] = [await session(app), await session(app)];
    const filed = await report(reporter, { userId: other.user.id, reason: 'impersonation' }).expect(201);
    expect((await openReports()).reports).toContainEqual(expect.objectContaining({ reportId: filed.body.data.reportId, kind: 'user', userId: other.user.id, messageId: null, messageText: null }));

    const created = await app.http().post('/Admin/Users').set(admin.auth).send({ name: 'New', phone: '+6598765432' }).expect(201);
    const newId = created.body.data.id;
    await app.http().post('/Admin/Network').set(admin.auth).send({ userId: newId, memberId: other.user.id }).expect(201);
    await app.http().delete(`/Admin/Network?userId=${newId}&memberId=${other.user.id}`).set(admin.auth).expect(200);
    await app.http().post(`/Admin/Users/${newId}/RevokeSessions`).set(admin.auth).expect(200);
    await app.http().post(`/Admin/Users/${newId}/Restore`).set(admin.auth).expect(200);
    expect((await auditOf(newId)).map((e: { action: string; targets: object }) => [e.action, e.targets])).toEqual([
      ['restoreUser', { userId: newId }],
      ['revokeUserSessions', { userId: newId }],
      ['unlinkUsers', { userId: newId, memberId: other.user.id }],
      ['linkUsers', { userId: newId, memberId: other.user.id }],
      ['createUser', { userId: newId }],
    ]);
    // Reads are not actions.
    expect((await auditOf(admin.user.id)).every((e: { method: string }) => e.method !== 'GET')).toBe(true);
  });

  it("keeps no content of a DRFI message in a report (its answers carry personal data)", async () => {
    const { alice, bob } = await conversationFixture(app);
    const request = await createDrfiRequest(app, alice.user, bob.user, ['profile.email']);
    await report(bob, { messageId: request.id, reason: 'inappropriate' }).expect(201);
    expect((await openReports()).reports).toContainEqual(expect.objectContaining({ messageId: request.id, messageType: 'drfi', messageText: null }));
  });

  it('refuses what is not the reporter\'s to report, bad input, and more than REPORTS_PER_DAY; nothing is filed', async () => {
    const { alice, bob, outsider } = await conversationFixture(app);
    const message = await createMessage(app, alice.user, bob.user, { text: 'private' });
    const before = (await openReports()).reports.length;
    expect((await report(outsider, { messageId: message.id, reason: 'spam' }).expect(404)).body.error.code).toBe('MESSAGE_NOT_FOUND');
    expect((await report(alice, { messageId: message.id, reason: 'spam' }).expect(400)).body.error.code).toBe('CANNOT_ACT_ON_SELF');
    expect((await report(alice, { userId: alice.user.id, reason: 'spam' }).expect(400)).body.error.code).toBe('CANNOT_ACT_ON_SELF');
    expect((await report(alice, { userId: '0123456789abcdef01234567', reason: 'spam' }).expect(404)).body.error.code).toBe('MEMBER_NOT_FOUND');
    for (const body of [{ reason: 'spam' }, { userId: bob.user.id, messageId: message.id, reason: 'spam' }, { userId: bob.user.id, reason: 'boring' }, { userId: bob.user.id, reason: 'spam', note: 'x'.repeat(1001) }]) {
      expect((await report(alice, body).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await app.http().post('/Admin/Reports/0123456789abcdef01234567/Close').set(admin.auth).send({ resolution: 'dismissed' }).expect(404)).body.error.code).toBe('REPORT_NOT_FOUND');
    expect((await openReports()).reports.length).toBe(before);

    const targets = [await createUser(app), await createUser(app), await createUser(app), await createUser(app)];
    for (const target of targets.slice(0, 3)) await report(outsider, { userId: target.id, reason: 'spam' }).expect(201);
    const limited = await report(outsider, { userId: targets[3].id, reason: 'spam' }).expect(429);
    expect(limited.body.message).toContain('3 reports a day');
  });

  it('pages the queue oldest first', async () => {
    const reporter = await session(app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await report(reporter, { userId: (await createUser(app)).id, reason: 'other' }).expect(201)).body.data.reportId);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: { reports: { reportId: string }[]; nextAfter: string | null } = (
        await app.http().get(`/Admin/Reports?limit=2${after ? `&after=${after}` : ''}`).set(admin.auth).expect(200)
      ).body.data;
      seen.push(...page.reports.map((r) => r.reportId));
      after = page.nextAfter;
    } while (after);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
