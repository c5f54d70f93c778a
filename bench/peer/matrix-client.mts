// The few Matrix client-server API calls (spec v1.x, /_matrix/client/v3) the peer benchmark makes:
// registering users, direct-message rooms, and the filtered /sync the load generators poll.

export interface MatrixUser {
  userId: string;
  accessToken: string;
}

export interface MatrixPair {
  from: MatrixUser;
  to: MatrixUser;
  roomId: string;
}

/** A /sync that carries only what the message loop reads: room timelines and read receipts. */
export const LOOP_FILTER = JSON.stringify({
  presence: { types: [] },
  account_data: { types: [] },
  room: {
    state: { types: [], lazy_load_members: true },
    timeline: { limit: 100, types: ['m.room.message'] },
    ephemeral: { types: ['m.receipt'] },
    account_data: { types: [] },
  },
});

export async function call<T>(base: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
  const response = await fetch(`${base}/_matrix/client/v3${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((err: Error & { cause?: Error & { code?: string } }) => {
    // fetch says only "fetch failed"; the reason is its cause.
    throw new Error(`${method} ${path}: ${err.message} (${err.cause?.code ?? err.cause?.message ?? 'no cause'})`);
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Registers `username` (open registration, the dummy auth flow). */
export async function register(base: string, username: string): Promise<MatrixUser> {
  const reply = await call<{ user_id: string; access_token: string }>(base, 'POST', '/register', undefined, {
    username,
    password: `bench-${username}-password`,
    auth: { type: 'm.login.dummy' },
    inhibit_login: false,
  });
  return { userId: reply.user_id, accessToken: reply.access_token };
}

/** A direct-message room of two: `from` creates it inviting `to`, who joins. */
export async function directRoom(base: string, from: MatrixUser, to: MatrixUser): Promise<string> {
  const { room_id: roomId } = await call<{ room_id: string }>(base, 'POST', '/createRoom', from.accessToken, {
    preset: 'trusted_private_chat',
    is_direct: true,
    invite: [to.userId],
  });
  await call(base, 'POST', `/join/${encodeURIComponent(roomId)}`, to.accessToken, {});
  return roomId;
}

/** `count` users and `count / 2` direct rooms, `batch` registrations at a time. */
export async function seedMatrixPairs(base: string, count: number, prefix: string, batch = 20): Promise<MatrixPair[]> {
  const pairs: MatrixPair[] = [];
  for (let i = 0; i < count; i += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, async (_, j) => {
        const n = i + j;
        const [from, to] = await Promise.all([register(base, `${prefix}s${n}`), register(base, `${prefix}r${n}`)]);
        return { from, to, roomId: await directRoom(base, from, to) };
      }),
    );
    pairs.push(...made);
  }
  return pairs;
}
