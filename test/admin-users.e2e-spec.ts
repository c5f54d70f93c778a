import { UserRepository } from '@app/dal/users';
import { session, Session } from './support/session';
import { startTestApp, TestApp } from './support/test-app';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Admin users (POST/GET /Admin/Users)', () => {
  let app: TestApp;
  let admin: Session;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await session(app, { admin: true });
  });
  afterAll(() => app.close());

  const create = (body: object) => app.http().post('/Admin/Users').set(admin.auth).send(body);

  it('creates a user and returns it in the envelope', async () => {
    const res = await create({ name: '  Cindy Nguyen ', phone: '+6591230001', avatar: '/Content/ProfilePictures/c.jpg' }).expect(201);
    expect(res.body).toEqual({
      success: true,
      message: 'User created',
      data: {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        accountId: expect.stringMatching(UUID_V4),
        name: 'Cindy Nguyen',
        phone: '+6591230001',
        avatar: '/Content/ProfilePictures/c.jpg',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    });
    const stored = await app.get(UserRepository).findById(res.body.data.id);
    expect(stored).toMatchObject({ name: 'Cindy Nguyen', phone: '+6591230001' });
  });

  it('defaults avatar to null', async () => {
    const res = await create({ name: 'No Avatar', phone: '+6591230002' }).expect(201);
    expect(res.body.data.avatar).toBeNull();
  });

  it('refuses a duplicate phone with 409 and creates nothing', async () => {
    await create({ name: 'First', phone: '+6591230003' }).expect(201);
    const res = await create({ name: 'Second', phone: '+6591230003' }).expect(409);
    expect(res.body).toMatchObject({ success: false, error: { code: 'PHONE_TAKEN' } });
    expect((await app.get(UserRepository).findByPhone('+6591230003'))?.name).toBe('First');
  });

  it('creates exactly one user when the same phone is posted concurrently', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((i) => create({ name: `Racer ${i}`, phone: '+6591230009' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it.each([
    ['not E.164', '91234567'],
    ['a leading zero country code', '+0123456789'],
    ['too long', '+1234567890123456'],
    ['letters', '+65912345ab'],
  ])('refuses a phone that is %s with 400', async (_, phone) => {
    const res = await create({ name: 'Bad Phone', phone }).expect(400);
    expect(res.body).toMatchObject({
      success: false,
      error: { code: 'VALIDATION_FAILED', details: [{ field: 'phone', errors: [expect.stringMatching(/E\.164/)] }] },
    });
    expect(await app.get(UserRepository).findByPhone(phone)).toBeUndefined();
  });

  it('refuses an unknown field with 400', async () => {
    const res = await create({ name: 'Extra', phone: '+6591230004', role: 'admin' }).expect(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ field: 'role' }] } });
    expect(await app.get(UserRepository).findByPhone('+6591230004')).toBeUndefined();
  });

  it('refuses a missing or blank name with 400', async () => {
    await create({ phone: '+6591230005' }).expect(400);
    await create({ name: '   ', phone: '+6591230005' }).expect(400);
  });

  it('refuses a body that is not a JSON object', async () => {
    const res = await app.http().post('/Admin/Users').set(admin.auth).set('content-type', 'application/json').send('[1,2]');
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
  });

  it('lists users a page at a time', async () => {
    const fresh = await startTestApp();
    try {
      const root = await session(fresh, { admin: true });
      for (const n of [1, 2, 3]) {
        await fresh.http().post('/Admin/Users').set(root.auth).send({ name: `P${n}`, phone: `+659999000${n}` }).expect(201);
      }
      const first = await fresh.http().get('/Admin/Users?limit=2').set(root.auth).expect(200);
      expect(first.body.message).toBe('List 2 users');
      expect(first.body.data.users.map((u: { name: string }) => u.name)).toEqual([root.user.name, 'P1']);
      const second = await fresh.http().get(`/Admin/Users?limit=2&after=${first.body.data.nextAfter}`).set(root.auth).expect(200);
      expect(second.body.data.users.map((u: { name: string }) => u.name)).toEqual(['P2', 'P3']);
      expect(second.body.data.nextAfter).toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it.each(['limit=0', 'limit=201', 'limit=abc', 'after=nope', 'after[$gt]='])('refuses the bad query %s with 400', async (query) => {
    const res = await app.http().get(`/Admin/Users?${query}`).set(admin.auth).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
