import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ADMIN_ROLE, TokenService } from '@app/auth';
import { AppConfig } from '@app/common';
import { ChatAccessService } from '../chat/chat-access.service';
import { ChatModule } from '../chat/chat.module';
import { MessageCommandsService } from '../chat/message-commands.service';
import { ReceiptsService } from '../chat/receipts.service';
import { NetworkModule } from '../network/network.module';
import { NetworkService } from '../network/network.service';
import type { User } from '@app/dal';
import { UsersService } from '../users/users.service';
import { VaultModule } from '../vault/vault.module';
import { VaultService } from '../vault/vault.service';
import { flagsOrUsage, withCliContext } from './cli-context';

const USAGE = 'usage: scripts/run seed [--base-url http://localhost:3000]';

const MEMBERS = [
  { key: 'yamada', name: 'Yamada Takai', phone: '+6590000001' },
  { key: 'cindy', name: 'Cindy Nguyen', phone: '+6590000002' },
  { key: 'angela', name: 'Angela Simson', phone: '+6590000003' },
] as const;
const ADMIN = { name: 'Admin', phone: '+10000000001' };

type Key = (typeof MEMBERS)[number]['key'];

/** The demo's history: who said what to whom, each with a fixed uniqueid so a second seed adds nothing. */
const HISTORY: { id: string; from: Key; to: Key; text: string }[] = [
  { id: 'demo-1', from: 'cindy', to: 'yamada', text: 'Hi Yamada, are we still on for the site visit on Friday?' },
  { id: 'demo-2', from: 'yamada', to: 'cindy', text: 'Yes, 10am at the north gate.' },
  { id: 'demo-3', from: 'cindy', to: 'yamada', text: 'Great. I will need your contact details for the visitor pass.' },
  { id: 'demo-4', from: 'angela', to: 'yamada', text: 'The quarterly report is ready for your review.' },
  { id: 'demo-5', from: 'angela', to: 'cindy', text: 'Lunch tomorrow?' },
];
/** Read by their receivers (the rest stay unread, so the list shows counts). */
const READ = ['demo-1', 'demo-2'];
/** A DRFI request left pending: Cindy asks Yamada for two vault fields. */
const DRFI = { id: 'demo-drfi-1', from: 'cindy' as Key, to: 'yamada' as Key, paths: ['.basicInformation.firstName', '.contact.mobile'] };
/** What Yamada's vault holds, so he can answer the request from it. */
const VAULT = { of: 'yamada' as Key, fields: [{ path: '.basicInformation.firstName', value: 'Yamada' }, { path: '.contact.mobile', value: '6590000001' }] };

/**
 * A small, believable demo: three people in one network with some history (read and unread) and a
 * pending DRFI request, and an administrator. Prints, for each person, a token and where to paste
 * it; the admin token last. Safe to run twice (it finds the users and messages it made before).
 */
async function main(): Promise<void> {
  const { values } = flagsOrUsage(() => parseArgs({ options: { 'base-url': { type: 'string' } } }), USAGE);
  const config = AppConfig.fromEnvironment();
  const base = (values['base-url'] ?? `http://localhost:${config.port}`).replace(/\/$/, '');

  const lines = await withCliContext(config, [NetworkModule, ChatModule, VaultModule], async (app) => {
    const users = app.get(UsersService);
    const network = app.get(NetworkService);
    const commands = app.get(MessageCommandsService);
    const access = app.get(ChatAccessService);
    const receipts = app.get(ReceiptsService);
    const tokens = app.get(TokenService);
    const vault = app.get(VaultService);
    const find = async (name: string, phone: string): Promise<User> => (await users.findByPhone(phone)) ?? (await users.create({ name, phone }));

    const people = new Map<Key, User>();
    for (const member of MEMBERS) people.set(member.key, await find(member.name, member.phone));
    const admin = await find(ADMIN.name, ADMIN.phone);
    const all = [...people.values()];
    for (const [i, a] of all.entries()) for (const b of all.slice(i + 1)) await network.link(a.id, b.id);

    const of = (key: Key) => people.get(key)!;
    const sent = new Map<string, string>();
    for (const m of HISTORY) {
      const ack = await commands.im(of(m.from).id, { from: of(m.from).id, to: of(m.to).id, msg: m.text, uniqueid: m.id });
      sent.set(m.id, ack.messageid);
    }
    for (const id of READ) await receipts.markMessageRead(of(HISTORY.find((m) => m.id === id)!.to).id, sent.get(id)!);
    await vault.update(of(VAULT.of).id, VAULT.fields);
    const drfiConversation = await access.conversationIdWith(of(DRFI.from).id, of(DRFI.to).id);
    await commands.add(of(DRFI.from).id, { conversationId: drfiConversation, receiverId: of(DRFI.to).id, type: 'drfi', drfiPaths: DRFI.paths, uniqueId: DRFI.id });

    const out = [
      'Demo users (tokens valid 7 days). Open a person\'s demo page link (one browser profile or private window each),',
      `or Swagger UI ${base}/docs -> Authorize -> paste their token.`,
      '',
    ];
    for (const person of all) {
      const token = tokens.sign({ userId: person.id, roles: [] }, '7d');
      out.push(`${person.name}  id=${person.id}  phone=${person.phone}`, `  demo page: ${base}/demo#token=${token}`, `  token: ${token}`);
      for (const other of all.filter((o) => o.id !== person.id)) {
        out.push(`  conversation with ${other.name}: conversationId=${await access.conversationIdWith(person.id, other.id)}  ToReceiverId=${other.id}`);
      }
      out.push('');
    }
    out.push(
      'Yamada Takai has a pending DRFI request from Cindy Nguyen: on his demo page, open the conversation with Cindy and share or decline',
      '(in Swagger UI: GET /Chat/Conversation, then POST /Chat/Drfi/Accept or /Chat/Drfi/Deny, as Yamada).',
      '',
    );
    out.push(`Admin, for the /Admin routes only (no conversations of its own)  id=${admin.id}  phone=${admin.phone}`);
    out.push(`  admin token: ${tokens.sign({ userId: admin.id, roles: [ADMIN_ROLE] }, '7d')}`);
    return out;
  });
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
