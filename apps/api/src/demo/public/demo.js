// The demo web client, and the reference client for the web frontend: only the public REST API
// (docs/openapi.json) and the socket protocol (docs/protocol.md). Plain JavaScript, no build step.
// How it works, and what a production client adds: docs/demo.md.
'use strict';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'chat-demo.token';
const RANK = { failed: -1, pending: 0, sent: 1, delivered: 2, seen: 3 };
const TICKS = { failed: '!', pending: '\u{1F552}', sent: '\u2713', delivered: '\u2713\u2713', seen: '\u2713\u2713' };

const state = {
  token: null,
  me: null, // { id, name }
  conversations: [], // GET /Chat/Conversations/List
  open: null, // the open conversation's entry of the list
  messages: new Map(), // `${from}:${uniqueid}` -> message (a sender's uniqueid names a message)
  reported: new Set(), // receipts already sent: `${key}:${status}`
  socket: null,
  fields: null, // the vault catalog (GET /Vault/Fields), for DRFI requests
  listTimer: null,
};

// ---- What a device keeps across restarts, per user: the sync cursor and the messages not yet acknowledged.

function kept() {
  return JSON.parse(localStorage.getItem(`chat-demo.${state.me.id}`) || '{}');
}
function keep(patch) {
  localStorage.setItem(`chat-demo.${state.me.id}`, JSON.stringify({ ...kept(), ...patch }));
}
function outbox() {
  return kept().outbox || [];
}

function newUniqueId() {
  // crypto.randomUUID needs a secure context; a page on a LAN address over http is not one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- REST: the customer's envelope { success, message, data }; errors { success: false, message, error: { code } }.

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${state.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => null);
  if (res.status === 401) {
    // The reason (expired, revoked, unknown user) goes to the sign-in form, also through callers' catch.
    const reason = (json && json.message) || 'Signed out';
    signOut(reason);
    throw new Error(reason);
  }
  if (!res.ok || (json && json.success === false)) throw new Error((json && json.message) || `${method} ${path}: ${res.status}`);
  // GET /Chat/Conversations is a bare object, as the customer documented it.
  return json && 'success' in json ? json.data : json;
}

function showError(err) {
  $('chat-error').textContent = err instanceof Error ? err.message : String(err);
}

// ---- Messages: one shape for REST history, live stanzas and sync.

const keyOf = (from, uniqueid) => `${from}:${uniqueid}`;

function fromHistory(m, other) {
  return {
    uniqueid: m.uniqueid, messageid: m.messageid, conversationId: m.conversationId,
    from: m.fromMe ? state.me.id : other, to: m.toReceiverId, text: m.text, created: m.created,
    status: m.deliveryStatus, deleted: m.Isdeleted, type: m.type, drfiStatus: m.status, drfiFields: m.drfiFields,
  };
}

function fromStanza(s) {
  return {
    uniqueid: s.uniqueid, messageid: s.messageid, conversationId: s.conversationId, from: s.from, to: s.to,
    text: s.msg, created: s.created, status: s.status, deleted: s.isDeleted, type: s.type,
  };
}

/** Adds or updates a message; the delivery status only moves forward. */
function upsert(message) {
  const key = keyOf(message.from, message.uniqueid);
  const old = state.messages.get(key);
  const merged = { ...old };
  for (const [name, value] of Object.entries(message)) if (value !== undefined) merged[name] = value;
  if (old && RANK[old.status] > RANK[merged.status]) merged.status = old.status;
  merged.key = key;
  state.messages.set(key, merged);
  return merged;
}

function applyStatus(update) {
  const message = state.messages.get(keyOf(update.from, update.uniqueid));
  if (message && RANK[update.status] > RANK[message.status]) message.status = update.status;
}

function applyDelete(deleted) {
  const message = state.messages.get(keyOf(deleted.from, deleted.uniqueid));
  if (message) message.deleted = true;
}

const isDrfi = (m) => typeof m.type === 'string' && m.type.startsWith('drfi');
const isOpen = (conversationId) => state.open && state.open.conversationId === conversationId;
const looking = () => document.visibilityState === 'visible';

// ---- Receipts: `delivered` when a message reaches this device, `seen` when it is on screen.

function receipt(message, status) {
  const id = `${message.key}:${status}`;
  if (message.from === state.me.id || message.deleted || RANK[message.status] >= RANK[status] || state.reported.has(id)) return;
  if (!state.socket || !state.socket.connected) return; // the next connect's sync brings it back
  state.reported.add(id);
  state.socket.timeout(10_000).emit('messageStatusUpdate', { status, uniqueid: message.uniqueid, sender: message.from }, (err, ack) => {
    if (err || ack.status !== 'statusUpdated') {
      state.reported.delete(id);
      return;
    }
    if (RANK[ack.deliveryStatus] > RANK[message.status]) message.status = ack.deliveryStatus;
    scheduleList();
  });
}

/** A message that reached this device: seen if its conversation is on screen, else delivered. */
function arrived(message) {
  receipt(message, isOpen(message.conversationId) && looking() ? 'seen' : 'delivered');
}

function markSeen() {
  if (!state.open || !looking()) return;
  for (const message of state.messages.values()) if (message.conversationId === state.open.conversationId) receipt(message, 'seen');
}

// ---- The socket.

function connect() {
  const socket = io({ auth: { token: state.token } });
  state.socket = socket;
  socket.on('connect', () => {
    setConnection(true);
    catchUp().catch(showError);
  });
  socket.on('disconnect', (reason) => {
    setConnection(false);
    // The server closed it (token expired or revoked): no automatic reconnect.
    if (reason === 'io server disconnect') signOut('The server ended the session: sign in again.');
  });
  socket.on('connect_error', (err) => {
    setConnection(false);
    // Refused at the handshake (bad token, unknown or suspended user): socket.io does not retry.
    if (!socket.active) signOut(err.message);
  });
  socket.on('im', (stanza) => {
    const message = upsert(fromStanza(stanza));
    arrived(message);
    // The stanza does not carry DRFI fields: the conversation's history does.
    if (isDrfi(message) && isOpen(message.conversationId)) reloadOpen().catch(showError);
    render();
    scheduleList();
  });
  socket.on('messageStatusUpdate', (update) => {
    applyStatus(update);
    render();
    scheduleList();
  });
  socket.on('messageDeleted', (deleted) => {
    applyDelete(deleted);
    render();
    scheduleList();
  });
  socket.on('drfiStatusUpdate', (update) => {
    if (isOpen(update.conversationId)) reloadOpen().catch(showError);
  });
}

function setConnection(online) {
  const badge = $('connection');
  badge.dataset.state = online ? 'online' : 'offline';
  badge.textContent = online ? 'online' : 'offline';
}

/**
 * After every connect: resend what was never acknowledged, and take every change since the kept
 * cursor (what arrived while this device was away), page by page.
 */
async function catchUp() {
  const pending = outbox();
  let cursor = kept().cursor;
  const received = [];
  for (let first = true; ; first = false) {
    const body = { ...(cursor ? { cursor } : {}), ...(first && pending.length ? { messages: pending } : {}) };
    const res = await state.socket.timeout(30_000).emitWithAck('sync', body);
    if (res.status === 'error' && res.error.code === 'INVALID_CURSOR') {
      cursor = undefined; // a cursor from another database: start over
      continue;
    }
    if (res.status !== 'synced') throw new Error(`sync: ${res.error ? res.error.message : res.status}`);
    if (first) res.acks.messages.forEach((ack, i) => settle(pending[i], ack));
    // Stanzas as they were sent; what became of them since follows in statusUpdates.
    for (const stanza of res.messages) received.push(upsert(fromStanza(stanza)));
    for (const stanza of res.sent) upsert(fromStanza(stanza));
    res.statusUpdates.forEach(applyStatus);
    res.deletes.forEach(applyDelete);
    if (res.drfiUpdates.some((u) => isOpen(u.conversationId))) await reloadOpen();
    cursor = res.cursor;
    keep({ cursor });
    if (!res.hasMore) break;
  }
  // Still `sent` after every change: no device of mine had it, so it came while I was away.
  const away = received.filter((m) => m.status === 'sent' && !m.deleted).length;
  received.forEach(arrived);
  $('caught-up').textContent = away > 0 ? `Caught up through sync: ${away} new message${away === 1 ? '' : 's'} while you were away.` : '';
  render();
  scheduleList();
}

// ---- Sending: stored before it is emitted, so a message without its ack is resent by the next sync.

function sendText(text) {
  const other = state.open.fromProfile.id;
  const payload = { to: other, from: state.me.id, msg: text, uniqueid: newUniqueId() };
  upsert({ ...fromStanza(payload), conversationId: state.open.conversationId, created: new Date().toISOString(), status: 'pending', deleted: false });
  keep({ outbox: [...outbox(), payload] });
  render();
  if (!state.socket.connected) return;
  state.socket.timeout(10_000).emit('im', payload, (err, ack) => {
    if (!err) settle(payload, ack); // no ack in time: it stays in the outbox for the next sync
  });
}

/** The ack of a message of the outbox: sent (with its id), or refused. */
function settle(payload, ack) {
  keep({ outbox: outbox().filter((p) => p.uniqueid !== payload.uniqueid) });
  if (ack.status === 'sent') {
    upsert({ from: state.me.id, uniqueid: payload.uniqueid, messageid: ack.messageid, conversationId: ack.conversationId, created: ack.created, status: 'sent' });
  } else {
    const message = state.messages.get(keyOf(state.me.id, payload.uniqueid));
    if (message) message.status = 'failed';
    showError(ack.error ? ack.error.message : 'not sent');
  }
  render();
  scheduleList();
}

// ---- The conversation list (counts and presence) and the open conversation.

function scheduleList() {
  clearTimeout(state.listTimer);
  state.listTimer = setTimeout(() => refreshList().catch(showError), 250);
}

async function refreshList() {
  state.conversations = await api('GET', '/Chat/Conversations/List');
  if (state.open) state.open = state.conversations.find((c) => c.conversationId === state.open.conversationId) || null;
  renderList();
}

function renderList() {
  const list = $('conversations');
  list.replaceChildren(
    ...state.conversations.map((c) => {
      const item = el('li', { 'data-user-id': c.fromProfile.id, 'aria-current': String(isOpen(c.conversationId)) });
      const presence = el('span', { class: 'presence', 'data-online': String(c.fromProfile.online), title: c.fromProfile.online ? 'online' : 'offline' });
      const unread = el('span', { class: 'unread', 'data-count': String(c.unreadIncomingMessagesCount) }, String(c.unreadIncomingMessagesCount));
      item.append(presence, el('span', { class: 'name' }, c.fromProfile.displayName), unread);
      item.addEventListener('click', () => openConversation(c).catch(showError));
      return item;
    }),
  );
}

async function openConversation(conversation) {
  state.open = conversation;
  $('pick').hidden = true;
  $('open').hidden = false;
  $('with').textContent = conversation.fromProfile.displayName;
  $('drfi-request').hidden = true;
  showError('');
  renderList();
  await reloadOpen();
}

async function reloadOpen() {
  if (!state.open) return;
  const other = state.open.fromProfile.id;
  const details = await api('GET', `/Chat/Conversation?withUserId=${encodeURIComponent(other)}&limit=50`);
  for (const m of details.messages) upsert(fromHistory(m, other));
  render();
}

function render() {
  if (!state.open) return;
  const shown = [...state.messages.values()]
    .filter((m) => m.conversationId === state.open.conversationId)
    .sort((a, b) => a.created.localeCompare(b.created));
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...shown.map(messageElement));
  if (atBottom) list.scrollTop = list.scrollHeight;
  markSeen();
}

function messageElement(m) {
  const mine = m.from === state.me.id;
  const item = el('li', { class: `message${mine ? ' mine' : ''}${m.deleted ? ' deleted' : ''}${isDrfi(m) ? ' drfi' : ''}`, 'data-uniqueid': m.uniqueid });
  if (m.deleted) item.append(el('div', { class: 'text' }, 'This message was deleted'));
  else if (isDrfi(m)) item.append(...drfiContent(m, mine));
  else item.append(el('div', { class: 'text' }, m.text));
  const meta = el('div', { class: 'meta' }, el('time', { datetime: m.created }, new Date(m.created).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
  if (mine) meta.append(el('span', { class: 'tick', 'data-status': m.status, title: m.status }, TICKS[m.status]));
  if (mine && !m.deleted && m.messageid && !isDrfi(m)) {
    const remove = el('button', { type: 'button', class: 'delete', title: 'Delete for both' }, 'Delete');
    remove.addEventListener('click', () => deleteMessage(m).catch(showError));
    meta.append(remove);
  }
  item.append(meta);
  return item;
}

async function deleteMessage(m) {
  await api('POST', '/Chat/Message/Delete', { conversationId: m.conversationId, ToReceiverId: m.to, messageid: m.messageid });
  m.deleted = true;
  render();
}

// ---- DRFI: ask for vault fields; the receiver answers from their vault (or types new values), once.

function drfiContent(m, mine) {
  const fields = m.drfiFields || [];
  const labels = fields.map((f) => f.label).join(', ');
  if (m.type === 'drfiresponsedenied') return [el('div', { class: 'text' }, 'Declined the request for information.')];
  if (m.type === 'drfiresponseaccepted') {
    return [el('div', { class: 'text' }, 'Shared:'), ...fields.map((f) => el('div', { class: 'shared' }, `${f.label}: ${f.value ?? ''}`))];
  }
  const status = m.drfiStatus === 'accepted' ? 'accepted' : m.drfiStatus === 'denied' ? 'declined' : 'waiting for an answer';
  const head = el('div', { class: 'text' }, `${mine ? 'You asked for' : 'They ask for'}: ${labels || 'personal details'} (${status})`);
  if (mine || m.drfiStatus !== 'sent' || !m.messageid) return [head];

  const form = el('form', { class: 'drfi-answer' });
  const inputs = fields.map((f) => {
    const input = el('input', { name: f.path, value: f.value ?? '', placeholder: f.label });
    form.append(el('label', {}, f.label, input));
    return { field: f, input };
  });
  const share = el('button', { type: 'submit' }, 'Share');
  const decline = el('button', { type: 'button' }, 'Decline');
  form.append(el('div', { class: 'actions' }, share, decline));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // A value kept as the vault has it is shared from the vault; a typed one is also saved to it.
    const answer = inputs.map(({ field, input }) => ({
      path: field.path, value: input.value, source: field.value != null && input.value === field.value ? 'vaultCurrentValue' : 'newValue',
    }));
    api('POST', '/Chat/Drfi/Accept', { messageId: m.messageid, fields: answer }).then(reloadOpen).catch(showError);
  });
  decline.addEventListener('click', () => {
    api('POST', `/Chat/Drfi/Deny?messageId=${encodeURIComponent(m.messageid)}`).then(reloadOpen).catch(showError);
  });
  return [head, form];
}

async function toggleAsk() {
  const panel = $('drfi-request');
  if (!panel.hidden) {
    panel.hidden = true;
    return;
  }
  state.fields = state.fields || (await api('GET', '/Vault/Fields'));
  const fieldset = $('drfi-fields');
  fieldset.replaceChildren(
    el('legend', {}, 'Ask them for'),
    ...state.fields.map((f) => el('label', {}, el('input', { type: 'checkbox', value: f.path }), ` ${f.label}`)),
  );
  panel.hidden = false;
}

async function sendDrfi() {
  const paths = [...$('drfi-fields').querySelectorAll('input:checked')].map((input) => input.value);
  if (paths.length === 0) throw new Error('Pick at least one field to ask for');
  await api('POST', '/Chat/Message/Add', {
    conversationId: state.open.conversationId, ToReceiverId: state.open.fromProfile.id, type: 'drfi', drfiPaths: paths, uniqueid: newUniqueId(),
  });
  $('drfi-request').hidden = true;
  await reloadOpen();
}

// ---- Signing in and out.

async function signIn(token) {
  state.token = token;
  $('sign-in-error').textContent = '';
  // Who the token names: the customer's GET /Chat/Conversations answers with the caller's id and name.
  const all = await api('GET', '/Chat/Conversations');
  state.me = { id: all.userId, name: all.userName };
  localStorage.setItem(TOKEN_KEY, token);
  $('me').textContent = `signed in as ${state.me.name}`;
  $('sign-in').hidden = true;
  $('chat').hidden = false;
  $('sign-out').hidden = false;
  await refreshList();
  connect();
}

function signOut(reason) {
  localStorage.removeItem(TOKEN_KEY);
  if (state.socket) state.socket.close();
  Object.assign(state, { token: null, me: null, open: null, conversations: [], socket: null });
  state.messages.clear();
  state.reported.clear();
  $('chat').hidden = true;
  $('sign-out').hidden = true;
  $('me').textContent = '';
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = reason || '';
  setConnection(false);
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'value') node.value = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    signIn($('token').value.trim()).catch((err) => signOut(err.message));
  });
  $('sign-out').addEventListener('click', () => signOut());
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('text').value.trim();
    if (!text || !state.open) return;
    $('text').value = '';
    sendText(text);
  });
  $('ask').addEventListener('click', () => toggleAsk().catch(showError));
  $('drfi-request').addEventListener('submit', (event) => {
    event.preventDefault();
    sendDrfi().catch(showError);
  });
  document.addEventListener('visibilitychange', markSeen);
  // Presence changes without an event: the list is read again now and then.
  setInterval(() => state.me && refreshList().catch(showError), 10_000);

  // A link from `scripts/run seed` carries the token in the fragment (never sent to the server).
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) history.replaceState(null, '', location.pathname);
  const token = fromLink || localStorage.getItem(TOKEN_KEY);
  if (token) signIn(token).catch((err) => signOut(err.message));
  else signOut();
});
