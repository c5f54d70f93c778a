import type { Session } from './session';
import { connect, emitAck } from './socket-client';
import type { TestApp } from './test-app';

type Stanza = Record<string, unknown>;

/**
 * A device that was away the whole time: every page of the user's sync from the start, over REST or
 * the socket. `list(name)` is every stanza of one list of the pages (`messages`, `sent`, `deletes`,
 * `edits`, ...), in order; `raw` the pages as JSON (to look for what must not be there).
 */
export async function syncFromStart(app: TestApp, who: Session, over: 'rest' | 'socket' = 'rest') {
  const socket = over === 'socket' ? await connect(app, who.token) : undefined;
  const pages: Record<string, Stanza[]>[] = [];
  let cursor: string | undefined;
  try {
    for (;;) {
      const page = socket
        ? ((await emitAck(socket, 'sync', cursor ? { cursor } : {})) as unknown as Record<string, unknown>)
        : (await app.http().post('/Chat/Sync').set(who.auth).send(cursor ? { cursor } : {}).expect(200)).body.data;
      pages.push(page as Record<string, Stanza[]>);
      cursor = page.cursor as string;
      if (!page.hasMore) break;
    }
  } finally {
    socket?.close();
  }
  return { raw: JSON.stringify(pages), list: (name: string) => pages.flatMap((page) => page[name]) };
}
