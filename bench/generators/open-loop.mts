// The bookkeeping every message-loop generator shares, whatever it speaks (socket.io to us or to
// the bare relay, the Matrix client-server API to a homeserver): messages start on a clock
// (open loop), each is timed from its start to its ack and to the receipt that ends its round
// trip, and a message seen twice by its recipient counts as duplicated.

export interface InFlight {
  startedAt: number;
  ackAt?: number;
  doneAt?: number;
  expectsReceipt: boolean;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export class OpenLoop {
  private readonly tag = `g${process.pid}-${Date.now().toString(36)}`;
  private sequence = 0;
  readonly inFlight = new Map<string, InFlight>();
  private readonly delivered = new Set<string>();
  duplicated = 0;
  errors = 0;
  firstError?: string;

  /** A new message's id, timed from now. */
  start(expectsReceipt: boolean): string {
    const uniqueid = `${this.tag}-${this.sequence++}`;
    this.inFlight.set(uniqueid, { startedAt: performance.now(), expectsReceipt });
    return uniqueid;
  }

  acked(uniqueid: string): void {
    const message = this.inFlight.get(uniqueid);
    if (message) message.ackAt = performance.now();
  }

  failed(uniqueid: string, reason: string): void {
    this.errors++;
    this.firstError ??= reason;
    this.inFlight.delete(uniqueid);
  }

  /** The recipient got the message: true the first time, false (and counted) for a duplicate or a message not ours. */
  received(uniqueid: string): boolean {
    if (!this.inFlight.has(uniqueid)) return false;
    if (this.delivered.has(uniqueid)) {
      this.duplicated++;
      return false;
    }
    this.delivered.add(uniqueid);
    return true;
  }

  /** The sender learnt of the recipient's receipt: the round trip is done. */
  done(uniqueid: string): void {
    const message = this.inFlight.get(uniqueid);
    if (message && message.doneAt === undefined) message.doneAt = performance.now();
  }

  private finished(m: InFlight): boolean {
    return m.ackAt !== undefined && (!m.expectsReceipt || m.doneAt !== undefined);
  }

  /** Starts `rate` messages a second for `seconds` with `send`; returns their ids. */
  async drive(rate: number, seconds: number, send: () => string): Promise<string[]> {
    const ids: string[] = [];
    const total = Math.round(rate * seconds);
    const startedAt = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor((rate * (performance.now() - startedAt)) / 1000));
        while (ids.length < due) ids.push(send());
        if (ids.length >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    return ids;
  }

  /** Waits up to `seconds` for the messages to finish; how long it waited. */
  async settle(ids: string[], seconds: number): Promise<number> {
    const startedAt = performance.now();
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline && ids.some((id) => this.inFlight.has(id) && !this.finished(this.inFlight.get(id)!))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return Math.round(performance.now() - startedAt);
  }

  /** One step of the ladder: `rate` messages a second for `seconds`, then up to `drainSeconds` to finish. */
  async step(rate: number, seconds: number, drainSeconds: number, send: () => string) {
    const errorsBefore = this.errors;
    const ids = await this.drive(rate, seconds, send);
    const drainMs = await this.settle(ids, drainSeconds);
    const messages = ids.map((id) => this.inFlight.get(id)).filter((m): m is InFlight => m !== undefined);
    const done = messages.filter((m) => this.finished(m));
    return {
      started: ids.length,
      completed: done.length,
      late: messages.length - done.length,
      errors: this.errors - errorsBefore,
      firstError: this.firstError,
      drainMs,
      ack: done.map((m) => round(m.ackAt! - m.startedAt)),
      roundTrip: done.map((m) => round(m.doneAt! - m.startedAt)),
    };
  }

  /** Waits for stragglers; every message ever started, and the lost and duplicated ones. */
  async finish(seconds: number) {
    const ids = [...this.inFlight.keys()];
    await this.settle(ids, seconds);
    const lost = ids.filter((id) => !this.finished(this.inFlight.get(id)!)).length;
    return { messages: ids.length, lost, duplicated: this.duplicated, errors: this.errors, firstError: this.firstError };
  }
}
