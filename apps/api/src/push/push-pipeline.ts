import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { Sema } from 'async-sema';
import { LRUCache } from 'lru-cache';
import { AppConfig, inSpan } from '@app/common';
import type { OutboxEntry, OutboxOutcome, PushContent, PushPlatform } from '@app/dal';
import { DeviceTokenRepository, PushOutboxRepository } from '@app/dal/push';
import { Metrics } from '../metrics/metrics.service';
import { OutgoingPush, PROVIDER_BATCH_MAX, PUSH_PROVIDER, PushBatchResult, PushProvider, TokenResult } from './providers/push-provider';

/** A user's unread messages, in all and per conversation: the conversation list's counts. */
export interface RecipientUnread {
  total: number;
  conversations: Record<string, number>;
}

/** Where the badge comes from: the chat domain's unread summaries (push knows no domain; chat hands it this). */
export interface UnreadCounts {
  of(userIds: string[]): Promise<Map<string, RecipientUnread>>;
}

/** A push a producer asks for; rendered (badge, count) and written to the outbox in a batch with others. */
export interface PushJob {
  recipientId: string;
  kind: 'message' | 'drfi' | 'read';
  content: PushContent;
}

/** What a producer gets back: when the push is owed durably (false: nothing to send, or it could not be queued), and how its first attempt went. */
export interface QueuedPush {
  durable: Promise<boolean>;
  result: Promise<PushBatchResult | undefined>;
}

interface Waiting {
  job: PushJob;
  durable: (owed: boolean) => void;
  result: (result: PushBatchResult | undefined) => void;
}

/** A provider call's outcomes, waiting for the lane to record them (with others). */
interface Settlement {
  outcomes: OutboxOutcome[];
  gone: TokenResult[];
  done: () => void;
}

/** How long a user found without devices has their silent pushes skipped. */
const SILENT_SKIP_MS = 30_000;

/** Provider calls under way at once (each up to PROVIDER_BATCH_MAX pushes, one HTTP/2 connection). */
const SENDS_IN_FLIGHT = 4;

/**
 * Push's own queue. Its database work runs in one lane (one command at a time, whatever the
 * load), so pushing never takes more than one of the connections message delivery uses; what
 * queues while the lane is busy joins the next batch (a group commit):
 * - intake: one read of the recipients' targets by `_id $in`, one of their unread counts (those
 *   with a device), one outbox insert for the lot;
 * - sending (no database): entries go out up to PROVIDER_BATCH_MAX per provider call
 *   (firebase-admin's sendEach, one HTTP/2 connection), SENDS_IN_FLIGHT calls at a time;
 * - settling: the outcomes of every call finished meanwhile in one batch (tokens FCM called gone
 *   deactivated, retries rescheduled, finished pushes moved from the outbox to the log).
 * The worker claims due entries in the lane (retries, and pushes owed by a process that died) and
 * hands them to sending.
 */
@Injectable()
export class PushPipeline {
  private readonly logger = new Logger(PushPipeline.name);
  /** This process, as the owner of the outbox locks it takes. */
  readonly lockOwner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly intake: Waiting[] = [];
  private draining = false;
  private readonly settling: Settlement[] = [];
  private settlingNow = false;
  /** Push's whole database budget: one command sequence at a time, whatever the load (delivery keeps the rest of the pool). */
  private readonly lane = new Sema(1);
  private readonly slots = new Sema(SENDS_IN_FLIGHT);
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Outbox entries this process is sending, until settled (the worker does not claim them again). */
  private readonly sending = new Set<string>();
  private unread?: UnreadCounts;
  /**
   * Users this process lately found with no device (for SILENT_SKIP_MS): their silent pushes are
   * dropped without a read, so readers without devices (most, on a busy loop) cost push nothing. A
   * token registered here clears its owner at once; one registered on another process is seen by
   * this one's silent pushes at most SILENT_SKIP_MS later (message pushes always read).
   */
  private readonly withoutDevices = new LRUCache<string, true>({ max: 100_000, ttl: SILENT_SKIP_MS });

  constructor(
    private readonly config: AppConfig,
    @Inject(PUSH_PROVIDER) private readonly provider: PushProvider,
    private readonly tokens: DeviceTokenRepository,
    private readonly outbox: PushOutboxRepository,
    private readonly metrics: Metrics,
  ) {}

  get inFlightEntries(): ReadonlySet<string> {
    return this.sending;
  }

  /** Called once by the chat domain: the badge's source. Without one, pushes carry no badge. */
  countUnreadWith(source: UnreadCounts): void {
    this.unread = source;
  }

  /** A user's devices changed on this process (a token registered): their silent pushes read again. */
  devicesChanged(userId: string): void {
    this.withoutDevices.delete(userId);
  }

  enqueue(job: PushJob): QueuedPush {
    let durable!: Waiting['durable'];
    let result!: Waiting['result'];
    const queued = { durable: new Promise<boolean>((resolve) => (durable = resolve)), result: new Promise<PushBatchResult | undefined>((resolve) => (result = resolve)) };
    this.intake.push({ job, durable, result });
    if (!this.draining) {
      this.draining = true;
      this.track(this.drain());
    }
    return queued;
  }

  /**
   * Sends outbox entries (new ones, or the worker's claims) and settles their outcomes; resolves
   * with each entry's result once settled. Never throws: what failed is the outbox's to retry.
   */
  async send(entries: OutboxEntry[]): Promise<Map<string, PushBatchResult>> {
    const results = new Map<string, PushBatchResult>();
    // Whole entries per call (a user's devices are far fewer than a call takes), up to PROVIDER_BATCH_MAX pushes.
    const calls: Promise<void>[] = [];
    let chunk: (OutgoingPush & { entry: OutboxEntry })[] = [];
    const nowhere = entries.filter((entry) => entry.tokens.length === 0);
    // Nothing to send it to (cannot come from intake; kept from an older outbox): finished, not owed forever.
    if (nowhere.length > 0) calls.push(this.settleAll(nowhere.map((entry) => ({ entry, status: 'failed', attempts: entry.attempts, provider: this.provider.name, results: [], lastError: 'no tokens' }))));
    for (const entry of entries.filter((e) => e.tokens.length > 0)) {
      if (chunk.length > 0 && chunk.length + entry.tokens.length > PROVIDER_BATCH_MAX) {
        calls.push(this.sendChunk(chunk, results));
        chunk = [];
      }
      chunk.push(...entry.tokens.map((token, i) => ({ token, platform: entry.platforms[i] as PushPlatform | undefined, content: entry.content, entry })));
    }
    if (chunk.length > 0) calls.push(this.sendChunk(chunk, results));
    entries.forEach((entry) => this.sending.add(entry.id));
    try {
      await Promise.all(calls);
    } finally {
      entries.forEach((entry) => this.sending.delete(entry.id));
    }
    return results;
  }

  /** Lets work under way finish, within `ms`; the outbox keeps whatever did not. */
  async settle(ms: number): Promise<void> {
    const deadline = delay(ms);
    while (this.inFlight.size > 0) {
      if ((await Promise.race([Promise.allSettled([...this.inFlight]).then(() => 'done' as const), deadline])) !== 'done') return;
    }
  }

  /** Runs `work` in push's database lane (waiting for its turn; everything queued meanwhile joins the next batch). */
  async inLane<T>(work: () => Promise<T>): Promise<T> {
    await this.lane.acquire();
    try {
      return await work();
    } finally {
      this.lane.release();
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.intake.length > 0) await this.inLane(() => this.admit(this.intake.splice(0, PROVIDER_BATCH_MAX)));
    } finally {
      this.draining = false;
    }
  }

  /** Records every call's outcomes queued so far in one batch: tokens gone deactivated, then the outbox settled. */
  private async drainSettlements(): Promise<void> {
    try {
      while (this.settling.length > 0) {
        await this.inLane(async () => {
          const batch = this.settling.splice(0);
          try {
            const gone = batch.flatMap((b) => b.gone);
            await this.tokens.deactivate(gone.map((r) => ({ token: r.token, reason: r.error ?? 'unregistered' })));
            this.metrics.pushTokensPruned.inc(gone.length);
            await this.outbox.settle(batch.flatMap((b) => b.outcomes));
          } catch (err) {
            // Not recorded: the entries stay owed, locked until PUSH_LOCK_MS, then retried.
            this.logger.warn({ err, pushes: batch.length }, 'push outcomes not recorded');
          } finally {
            batch.forEach((b) => b.done());
          }
        });
      }
    } finally {
      this.settlingNow = false;
    }
  }

  /** One intake batch: targets, badges, one outbox insert; then its sending starts. */
  private async admit(batch: Waiting[]): Promise<void> {
    try {
      const waiting = coalesceSilent(batch).filter((w) => {
        if (!w.job.content.silent || !this.withoutDevices.has(w.job.recipientId)) return true;
        w.durable(false);
        w.result(undefined);
        return false;
      });
      if (waiting.length === 0) return;
      const targets = await this.tokens.targetsOf(waiting.map((w) => w.job.recipientId));
      const owed: Waiting[] = [];
      for (const w of waiting) {
        if ((targets.get(w.job.recipientId) ?? []).length > 0) owed.push(w);
        else {
          this.withoutDevices.set(w.job.recipientId, true);
          w.durable(false);
          w.result(undefined);
        }
      }
      if (owed.length === 0) return;
      // Badges only for those a push reaches (most readers of a busy loop have no device token).
      const unread = await this.unread?.of(owed.map((w) => w.job.recipientId));
      const entries = await this.outbox.createMany(
        owed.map(({ job }) => {
          const to = targets.get(job.recipientId)!;
          return { recipientId: job.recipientId, kind: job.kind, tokens: to.map((t) => t.token), platforms: to.map((t) => t.platform), content: rendered(job.content, unread?.get(job.recipientId)) };
        }),
        { ms: this.config.push.lockMs, owner: this.lockOwner },
      );
      owed.forEach((w) => w.durable(true));
      this.track(
        this.send(entries).then((results) => entries.forEach((entry, i) => owed[i].result(results.get(entry.id)))),
      );
    } catch (err) {
      this.logger.warn({ err, pushes: batch.length }, 'pushes not queued');
      for (const w of batch) {
        w.durable(false);
        w.result(undefined);
      }
    }
  }

  private async sendChunk(chunk: (OutgoingPush & { entry: OutboxEntry })[], results: Map<string, PushBatchResult>): Promise<void> {
    await this.slots.acquire();
    let outcomes: TokenResult[];
    try {
      outcomes = await this.call(chunk);
    } finally {
      this.slots.release();
    }
    const byEntry = new Map<OutboxEntry, TokenResult[]>();
    chunk.forEach((push, i) => byEntry.set(push.entry, [...(byEntry.get(push.entry) ?? []), outcomes[i]]));
    const settled: OutboxOutcome[] = [];
    for (const [entry, tokenResults] of byEntry) {
      const result = { successCount: tokenResults.filter((r) => r.messageId).length, failureCount: tokenResults.filter((r) => !r.messageId).length, results: tokenResults };
      results.set(entry.id, result);
      settled.push(this.outcome(entry, result));
    }
    await this.settleAll(settled, outcomes.filter((r) => r.tokenGone));
  }

  /** Queues outcomes for the lane's next settlement batch; resolves once they are recorded (or could not be). */
  private settleAll(outcomes: OutboxOutcome[], gone: TokenResult[] = []): Promise<void> {
    return new Promise<void>((done) => {
      this.settling.push({ outcomes, gone, done });
      if (!this.settlingNow) {
        this.settlingNow = true;
        this.track(this.drainSettlements());
      }
    });
  }

  /** One provider call; a call that failed as a whole fails each of its pushes, transiently. */
  private async call(chunk: OutgoingPush[]): Promise<TokenResult[]> {
    try {
      // A span per call (counts only: a push's text never goes into a trace).
      return await inSpan('fcm send', { kind: SpanKind.CLIENT, attributes: { 'push.provider': this.provider.name, 'push.messages': chunk.length } }, async (span) => {
        const sent = await this.provider.send(chunk);
        span.setAttribute('push.failure_count', sent.filter((r) => !r.messageId).length);
        this.metrics.pushBatchSize.observe(chunk.length);
        return sent;
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      this.metrics.pushAttempts.inc({ outcome: 'error' }, chunk.length);
      return chunk.map(({ token }) => ({ token, error: code, transient: true }));
    }
  }

  /** An entry's next state: sent (every token answered for good), or another try for the tokens worth one. */
  private outcome(entry: OutboxEntry, result: PushBatchResult): OutboxOutcome {
    const attempts = entry.attempts + 1;
    for (const failed of result.results.filter((r) => r.error)) this.metrics.pushFailures.inc({ code: failed.error });
    const recorded = result.results.map(({ token, messageId, error }) => ({ token, ...(messageId ? { messageId } : {}), ...(error ? { error } : {}) }));
    const retry = result.results.filter((r) => r.transient).map((r) => r.token);
    const base = { entry, attempts, provider: this.provider.name, results: recorded };
    if (retry.length === 0) {
      this.metrics.pushAttempts.inc({ outcome: result.failureCount > 0 ? 'partial' : 'sent' });
      return { ...base, status: 'sent', lastError: null };
    }
    const lastError = `transient: ${result.results.find((r) => r.transient)?.error}`;
    if (attempts >= this.config.push.maxAttempts) {
      this.metrics.pushAttempts.inc({ outcome: 'gave-up' });
      return { ...base, status: 'failed', lastError };
    }
    this.metrics.pushAttempts.inc({ outcome: 'retry' });
    const backoffMs = Math.min(1000 * 2 ** (attempts - 1), 5 * 60_000) * (0.5 + Math.random() / 2);
    return { ...base, status: 'pending', lastError, tokens: retry, nextAttemptAt: new Date(Date.now() + backoffMs) };
  }

  private track(promise: Promise<unknown>): void {
    const settled = promise.catch((err: unknown) => this.logger.warn({ err }, 'push work failed'));
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }
}

/** The words a push says of several unread messages in one conversation (its notification replaces the one before). */
export function severalMessages(count: number, latest: string): string {
  return `${count} new messages: ${latest}`;
}

/** A job's content as sent: the recipient's badge, and for an alert in a conversation with several unread, how many. */
function rendered(content: PushContent, unread: RecipientUnread | undefined): PushContent {
  if (!unread) return content;
  if (content.silent) return { ...content, badge: unread.total, data: { ...content.data, badge: String(unread.total) } };
  const inConversation = unread.conversations[content.collapseId] ?? 0;
  return { ...content, badge: unread.total, body: inConversation > 1 ? severalMessages(inConversation, content.body) : content.body };
}

/** Several silent pushes for one conversation of one user in a batch: only the last is sent (it carries the newest badge). */
function coalesceSilent(batch: Waiting[]): Waiting[] {
  const last = new Map<string, Waiting>();
  for (const w of batch) if (w.job.content.silent) last.set(`${w.job.recipientId}:${w.job.content.collapseId}`, w);
  return batch.filter((w) => {
    if (!w.job.content.silent || last.get(`${w.job.recipientId}:${w.job.content.collapseId}`) === w) return true;
    w.durable(false);
    w.result(undefined);
    return false;
  });
}

function delay(ms: number): Promise<'late'> {
  return new Promise((resolve) => setTimeout(() => resolve('late'), ms).unref());
}
