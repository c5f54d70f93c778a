import { MessageRepository } from '@app/dal/messages';
import { VaultRepository } from '@app/dal/vault';
import { chatAs } from './support/chat-client';
import { conversationFixture, session, Session } from './support/session';
import { collect, connect, emitAck } from './support/socket-client';
import { startTestApp, TestApp } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BOB_VAULT = [
  { path: '.basicInformation.firstName', value: 'Robert' },
  { path: '.contact.mobile', value: '6591112222' },
  { path: '.contact.email', value: 'robert@example.com' },
];

describe('Information vault and DRFI', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const vaultOf = async (who: Session) => (await app.http().get('/Vault').set(who.auth).expect(200)).body.data as Json[];
  const setVault = (who: Session, fields: object[]) => app.http().put('/Vault').set(who.auth).send({ fields });
  const request = (from: Session, to: Session, conversationId: string, drfiPaths: unknown) =>
    chatAs(app, from).add({ conversationId, ToReceiverId: to.user.id, type: 'drfi', drfiPaths });
  const accept = (who: Session, messageId: string, fields: object[]) => app.http().post('/Chat/Drfi/Accept').set(who.auth).send({ messageId, fields });
  const deny = (who: Session, messageId: string) => app.http().post(`/Chat/Drfi/Deny?messageId=${messageId}`).set(who.auth);
  const messagesOf = async (who: Session, other: Session) =>
    (await chatAs(app, who).conversation(`withUserId=${other.user.id}`).expect(200)).body.data.messages as Json[];

  /** Alice asks Bob, whose vault has values, for his first name and mobile. */
  async function requested() {
    const fixture = await conversationFixture(app);
    await setVault(fixture.bob, BOB_VAULT).expect(200);
    const res = await request(fixture.alice, fixture.bob, fixture.conversationId, ['.basicInformation.firstName', '.contact.mobile']).expect(200);
    return { ...fixture, requestId: res.body.data.messageId as string };
  }

  describe('vault', () => {
    it('lists a catalog of about thirty fields with the seed\'s paths', async () => {
      const { alice } = await conversationFixture(app);
      const res = await app.http().get('/Vault/Fields').set(alice.auth).expect(200);
      expect(res.body.data.length).toBeGreaterThanOrEqual(30);
      expect(res.body.data).toContainEqual({ path: '.contact.mobile', label: 'Mobile phone', type: 'phone', group: 'Contact' });
    });

    it('keeps each user\'s values to themselves, validated by type, all or nothing', async () => {
      const { alice, bob } = await conversationFixture(app);
      const set = await setVault(alice, [{ path: '.contact.email', value: 'alice@example.com' }, { path: '.basicInformation.nationality', value: 'SG' }]).expect(200);
      expect(set.body.data).toEqual([
        { path: '.basicInformation.nationality', label: 'Nationality', type: 'country', value: 'SG' },
        { path: '.contact.email', label: 'Email', type: 'email', value: 'alice@example.com' },
      ]);
      expect(await vaultOf(bob)).toEqual([]);
      const bad = await setVault(alice, [{ path: '.contact.email', value: 'changed@example.com' }, { path: '.contact.mobile', value: 'not a phone' }]).expect(400);
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'fields.1.value' }] });
      expect(JSON.stringify(bad.body)).not.toContain('not a phone');
      expect((await vaultOf(alice)).find((f) => f.path === '.contact.email')?.value).toBe('alice@example.com');
      await setVault(alice, [{ path: '.nope', value: 'x' }]).expect(400);
      await setVault(alice, [{ path: '.contact.email', value: null }]).expect(200);
      expect((await vaultOf(alice)).map((f) => f.path)).toEqual(['.basicInformation.nationality']);
    });

    it('applies a once-only write (a DRFI answer) at most once, however often it is retried', async () => {
      const { bob } = await conversationFixture(app);
      const vaults = app.get(VaultRepository);
      await vaults.apply(bob.user.id, [{ path: '.contact.mobile', value: '6591000001' }], 'drfi-response:r1');
      await vaults.apply(bob.user.id, [{ path: '.contact.mobile', value: '6591000002' }], 'drfi-response:r1');
      expect((await vaultOf(bob)).find((f) => f.path === '.contact.mobile')?.value).toBe('6591000001');
      await vaults.apply(bob.user.id, [{ path: '.contact.mobile', value: '6591000003' }], 'drfi-response:r2');
      expect((await vaultOf(bob)).find((f) => f.path === '.contact.mobile')?.value).toBe('6591000003');
    });
  });

  describe('request', () => {
    it('is a message with text [DRFI Request], status sent; the receiver sees hints from their own vault, the requester no values', async () => {
      const { alice, bob, requestId } = await requested();
      const forBob = (await messagesOf(bob, alice)).find((m) => m.messageid === requestId)!;
      expect(forBob).toMatchObject({
        text: '[DRFI Request]',
        type: 'drfi',
        status: 'sent',
        fromMe: false,
        jsonFieldsdrfi: expect.any(String),
        drfiFields: [
          { path: '.basicInformation.firstName', label: 'First name', type: 'text', value: 'Robert', source: 'vaultCurrentValue' },
          { path: '.contact.mobile', label: 'Mobile phone', type: 'phone', value: '6591112222', source: 'vaultCurrentValue' },
        ],
      });
      expect(JSON.parse(forBob.jsonFieldsdrfi)).toEqual([
        { path: '.basicInformation.firstName', label: 'First name', type: 'text' },
        { path: '.contact.mobile', label: 'Mobile phone', type: 'phone' },
      ]);
      // Privacy: the requester's view of the unanswered request holds none of Bob's values.
      const aliceView = JSON.stringify(await messagesOf(alice, bob)) + JSON.stringify((await chatAs(app, alice).conversations().expect(200)).body);
      for (const { value } of BOB_VAULT) expect(aliceView).not.toContain(value);
      const forAlice = (await messagesOf(alice, bob)).find((m) => m.messageid === requestId)!;
      expect(forAlice.drfiFields.map((f: Json) => f.value)).toEqual([null, null]);
    });

    it.each([
      ['an unknown path', ['.nope']],
      ['a duplicate path', ['.contact.mobile', '.contact.mobile']],
      ['no paths', []],
      ['paths that are not strings', [42]],
      ['no list at all', undefined],
    ])('refuses %s with 400', async (_, paths) => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const res = await request(alice, bob, conversationId, paths).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect((await app.get(MessageRepository).history(conversationId)).messages).toEqual([]);
    });
  });

  describe('accept', () => {
    it('shares the submitted data, writes only newValue fields to the vault, and resolves the request once', async () => {
      const { alice, bob, requestId } = await requested();
      const fields = [
        { source: 'vaultCurrentValue', path: '.basicInformation.firstName', value: 'Robert' },
        { source: 'newValue', path: '.contact.mobile', value: '6593334444' },
        { source: 'newValue', path: '.address.currentAddress.address', value: '1 Raffles Place' },
      ];
      const res = await accept(bob, requestId, fields).expect(200);
      expect(res.body).toEqual({
        success: true,
        message: 'DRFI request accepted',
        data: { requestMessageId: requestId, responseMessageId: expect.stringMatching(/^[0-9a-f]{24}$/), status: 'accepted' },
      });
      const vault = await vaultOf(bob);
      expect(vault.find((f) => f.path === '.contact.mobile')?.value).toBe('6593334444');
      expect(vault.find((f) => f.path === '.address.currentAddress.address')?.value).toBe('1 Raffles Place');
      expect(vault.find((f) => f.path === '.basicInformation.firstName')?.value).toBe('Robert');

      const forAlice = await messagesOf(alice, bob);
      expect(forAlice.find((m) => m.messageid === requestId)).toMatchObject({ status: 'accepted', responseMessageId: res.body.data.responseMessageId });
      expect(forAlice.find((m) => m.messageid === res.body.data.responseMessageId)).toMatchObject({
        type: 'drfiresponseaccepted',
        fromMe: false,
        requestMessageId: requestId,
        drfiFields: fields.map((f) => expect.objectContaining(f)),
      });
      const again = await accept(bob, requestId, fields).expect(409);
      expect(again.body.error.code).toBe('DRFI_ALREADY_RESOLVED');
      await deny(bob, requestId).expect(409);
    });

    it('rejects the whole accept for one invalid field, changing nothing', async () => {
      const { bob, requestId } = await requested();
      const before = await vaultOf(bob);
      const res = await accept(bob, requestId, [
        { source: 'newValue', path: '.contact.mobile', value: '6595556666' },
        { source: 'newValue', path: '.contact.email', value: 'not an email' },
      ]).expect(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'fields.1.value' }] });
      expect(await vaultOf(bob)).toEqual(before);
      await accept(bob, requestId, [{ source: 'newValue', path: '.nope', value: 'x' }]).expect(400);
      await accept(bob, requestId, [{ source: 'somewhere', path: '.contact.mobile', value: '6595556666' }]).expect(400);
      await accept(bob, requestId, []).expect(400);
      await deny(bob, requestId).expect(200);
    });
  });

  describe('deny', () => {
    it('adds a response without data and resolves the request', async () => {
      const { alice, bob, requestId } = await requested();
      const res = await deny(bob, requestId).expect(200);
      expect(res.body).toEqual({
        success: true,
        message: 'DRFI request denied',
        data: { requestMessageId: requestId, responseMessageId: expect.any(String), status: 'denied' },
      });
      const forAlice = await messagesOf(alice, bob);
      expect(forAlice.find((m) => m.messageid === requestId)).toMatchObject({ status: 'denied' });
      const response = forAlice.find((m) => m.messageid === res.body.data.responseMessageId)!;
      expect(response).toMatchObject({ type: 'drfiresponsedenied', requestMessageId: requestId });
      expect(response).not.toHaveProperty('drfiFields');
      await accept(bob, requestId, [{ source: 'newValue', path: '.contact.mobile', value: '6590000000' }]).expect(409);
    });
  });

  describe('refusals', () => {
    it('403 for the requester, 404 for an outsider, 400 for a message that is not a DRFI request', async () => {
      const { alice, bob, outsider, conversationId, requestId } = await requested();
      const field = [{ source: 'vaultCurrentValue', path: '.contact.mobile', value: '6591112222' }];
      expect((await accept(alice, requestId, field).expect(403)).body.error.code).toBe('NOT_DRFI_RECEIVER');
      expect((await deny(alice, requestId).expect(403)).body.error.code).toBe('NOT_DRFI_RECEIVER');
      expect((await accept(outsider, requestId, field).expect(404)).body.error.code).toBe('MESSAGE_NOT_FOUND');
      expect((await deny(outsider, requestId).expect(404)).body.error.code).toBe('MESSAGE_NOT_FOUND');
      const plain = (await chatAs(app, alice).send(conversationId, bob, 'just text').expect(200)).body.data.messageId;
      expect((await deny(bob, plain).expect(400)).body.error.code).toBe('NOT_A_DRFI_REQUEST');
      await deny(bob, 'nope').expect(400);
      await deny(bob, '5a216e4005100b3d9029dd71').expect(404);
    });
  });

  it('resolves exactly once when 20 accepts and denies race', async () => {
    const { bob, conversationId, requestId } = await requested();
    const winnerValue = (i: number) => `659000${String(i).padStart(4, '0')}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? deny(bob, requestId) : accept(bob, requestId, [{ source: 'newValue', path: '.contact.mobile', value: winnerValue(i) }]),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!;
    const messages = (await app.get(MessageRepository).history(conversationId)).messages;
    expect(messages.filter((m) => m.type.startsWith('drfiresponse'))).toHaveLength(1);
    const mobile = (await vaultOf(bob)).find((f) => f.path === '.contact.mobile')?.value;
    if (winner.body.data.status === 'accepted') {
      const index = results.indexOf(winner);
      expect(mobile).toBe(winnerValue(index));
    } else {
      expect(mobile).toBe('6591112222');
    }
    expect(messages.find((m) => m.id === requestId)?.drfi?.status).toBe(winner.body.data.status);
  });

  it('finishes an accept whose server died after claiming it, on the next attempt, with the stored answer', async () => {
    const { bob, conversationId, requestId } = await requested();
    // What a server leaves when it dies right after inserting the accepted response (the claim):
    // the response is stored, the vault not written, the request still `sent`.
    await app.get(MessageRepository).insert({
      conversationId,
      senderId: bob.user.id,
      receiverId: (await app.get(MessageRepository).findById(requestId))!.senderId,
      uniqueId: `drfi-response:${requestId}`,
      type: 'drfiresponseaccepted',
      text: '[DRFI Response]',
      drfi: {
        requestMessageId: requestId,
        vaultApplied: false,
        fields: [{ path: '.contact.mobile', label: 'Mobile phone', type: 'phone', value: '6590001111', source: 'newValue' }],
      },
    });
    expect((await app.get(MessageRepository).findById(requestId))?.drfi?.status).toBe('sent');

    // A retry (here a deny) loses to the stored answer, and finishes it before saying so.
    expect((await deny(bob, requestId).expect(409)).body.error.code).toBe('DRFI_ALREADY_RESOLVED');
    expect((await app.get(MessageRepository).findById(requestId))?.drfi?.status).toBe('accepted');
    expect((await vaultOf(bob)).find((f) => f.path === '.contact.mobile')?.value).toBe('6590001111');
    const responses = (await app.get(MessageRepository).history(conversationId)).messages.filter((m) => m.type.startsWith('drfiresponse'));
    expect(responses).toHaveLength(1);
    expect(responses[0].drfi?.vaultApplied).toBe(true);
  });

  it('tells both parties\' sockets, and sync carries it to an offline requester', async () => {
    const { alice, bob, requestId } = await requested();
    const aliceSocket = await connect(app, alice.token);
    const { cursor } = await emitAck<{ cursor: string }>(aliceSocket, 'sync', {});
    aliceSocket.close();
    const bobSocket = await connect(app, bob.token);
    try {
      const [ims, updates] = [collect<Json>(bobSocket, 'im'), collect<Json>(bobSocket, 'drfiStatusUpdate')];
      const res = await accept(bob, requestId, [{ source: 'vaultCurrentValue', path: '.contact.mobile', value: '6591112222' }]).expect(200);
      expect(await ims.next((m) => m.messageid === res.body.data.responseMessageId)).toMatchObject({ type: 'drfiresponseaccepted' });
      expect(await updates.next((u) => u.messageid === requestId)).toMatchObject({ status: 'accepted', responseMessageId: res.body.data.responseMessageId });

      const back = await connect(app, alice.token);
      try {
        const sync = await emitAck<Json>(back, 'sync', { cursor });
        expect(sync.messages).toContainEqual(expect.objectContaining({ messageid: res.body.data.responseMessageId, type: 'drfiresponseaccepted' }));
        expect(sync.drfiUpdates).toContainEqual(expect.objectContaining({ messageid: requestId, status: 'accepted' }));
      } finally {
        back.close();
      }
    } finally {
      bobSocket.close();
    }
  });

  it('keeps an audit trail of every event, without values, for admins only', async () => {
    const { alice, bob, requestId } = await requested();
    await accept(bob, requestId, [{ source: 'newValue', path: '.contact.mobile', value: '6597778888' }]).expect(200);
    const admin = await session(app, { admin: true });
    const res = await app.http().get(`/Admin/Drfi/Audit?userId=${alice.user.id}`).set(admin.auth).expect(200);
    const events = res.body.data.filter((e: Json) => e.requestMessageId === requestId);
    expect(events).toEqual([
      expect.objectContaining({ event: 'accepted', actorId: bob.user.id, counterpartId: alice.user.id, paths: ['.contact.mobile'], vaultUpdatedPaths: ['.contact.mobile'] }),
      expect.objectContaining({ event: 'requested', actorId: alice.user.id, counterpartId: bob.user.id, paths: ['.basicInformation.firstName', '.contact.mobile'] }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('6597778888');
    await app.http().get('/Admin/Drfi/Audit').set(alice.auth).expect(403);
  });
});
