// Load generator: the message loop of scenario 1 through an XMPP server (ejabberd), with the
// npm client @xmpp/client. One message's loop: the sender's `<message>` (asking for a receipt,
// XEP-0184) acknowledged by the server's XEP-0198 `<a/>` (the ack; ejabberd answers it only once
// the message is archived), the recipient receiving it and sending its `<received/>` receipt, the
// sender receiving the receipt (the round trip): the same work as our `sent` ack and `delivered`.
// Commands (JSON lines on stdin, bench/support.mts Generator):
//   {cmd:'connect', service, pairs:[{from:{username,password}, to:{username,password}}]}
//   {cmd:'step', rate, seconds, drainSeconds}  -> latencies of the messages started in the step
//   {cmd:'finish', seconds}                    -> waits for stragglers; lost and duplicated in all
import { client, xml, type Client } from '@xmpp/client';

type Element = ReturnType<typeof xml>;
import { serveCommands } from '../support.mts';
import { OpenLoop } from './open-loop.mts';

interface XmppUser {
  username: string;
  password: string;
}

/** What @xmpp/stream-management 0.14 offers beyond its DefinitelyTyped types (written for an earlier release). */
interface StreamManagement {
  requestAckDebounce: number;
  on(event: 'ack' | 'fail', listener: (stanza: Element) => void): void;
}

const RECEIPTS = 'urn:xmpp:receipts';
const DOMAIN = 'localhost';
const loop = new OpenLoop();
const clients: Client[] = [];
let pairs: { from: Client; to: string }[] = [];

const jidOf = (user: XmppUser) => `${user.username}@${DOMAIN}`;

function failure(err: unknown): void {
  loop.errors++;
  loop.firstError ??= (err as Error).message;
}

/** Signs `user` in (PLAIN over loopback: SCRAM's key stretching is not what is measured) and makes it available. */
async function signIn(service: string, user: XmppUser, role: 'sender' | 'recipient'): Promise<Client> {
  const xmpp = client({
    service,
    domain: DOMAIN,
    resource: role,
    credentials: (authenticate) => authenticate({ username: user.username, password: user.password }, 'PLAIN', xml('user-agent', { id: `bench-${role}` })),
  });
  const streamManagement = xmpp.streamManagement as unknown as StreamManagement;
  xmpp.on('error', failure);
  // Ask for the server's <a/> as soon as a stanza is out, not after the library's 250 ms debounce.
  streamManagement.requestAckDebounce = 0;
  if (role === 'sender') {
    streamManagement.on('ack', (stanza) => {
      if (stanza.is('message') && !stanza.getChild('received', RECEIPTS)) loop.acked(stanza.attrs.id);
    });
    streamManagement.on('fail', (stanza) => {
      if (stanza.is('message')) loop.failed(stanza.attrs.id, 'stream management: stanza failed');
    });
    xmpp.on('stanza', (stanza) => {
      const receipt = stanza.is('message') ? stanza.getChild('received', RECEIPTS) : undefined;
      if (receipt) loop.done(receipt.attrs.id);
    });
  } else {
    xmpp.on('stanza', (stanza) => {
      if (!stanza.is('message') || !stanza.getChild('request', RECEIPTS)) return;
      const id = stanza.attrs.id;
      if (!loop.received(id)) return;
      xmpp.send(xml('message', { to: stanza.attrs.from, id: `r-${id}` }, xml('received', { xmlns: RECEIPTS, id }))).catch(failure);
    });
  }
  await xmpp.start();
  // Available: a chat message to the bare JID reaches a resource only once it has sent presence.
  await xmpp.send(xml('presence'));
  clients.push(xmpp);
  return xmpp;
}

function send(pair: { from: Client; to: string }): string {
  const uniqueid = loop.start(true);
  pair.from
    .send(xml('message', { to: pair.to, type: 'chat', id: uniqueid }, xml('body', {}, 'benchmark message'), xml('request', { xmlns: RECEIPTS })))
    .catch((err: Error) => loop.failed(uniqueid, err.message));
  return uniqueid;
}

serveCommands({
  async connect({ url: service, pairs: given }: { url: string; pairs: { from: XmppUser; to: XmppUser }[] }) {
    for (let i = 0; i < given.length; i += 25) {
      const made = await Promise.all(
        given.slice(i, i + 25).map(async (pair) => {
          const [from] = await Promise.all([signIn(service, pair.from, 'sender'), signIn(service, pair.to, 'recipient')]);
          return { from, to: jidOf(pair.to) };
        }),
      );
      pairs.push(...made);
    }
    return { connected: clients.length };
  },

  async step({ rate, seconds, drainSeconds }: { rate: number; seconds: number; drainSeconds: number }) {
    let next = 0;
    return loop.step(rate, seconds, drainSeconds, () => send(pairs[next++ % pairs.length]));
  },

  async finish({ seconds }: { seconds: number }) {
    const totals = await loop.finish(seconds);
    await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
    pairs = [];
    return totals;
  },
});
