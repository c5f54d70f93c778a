import { Injectable } from '@nestjs/common';

/**
 * Where the process is in its life, for readiness and the socket layer: serving, draining (SIGTERM
 * received: readiness fails so the load balancer sends new work elsewhere, everything else still
 * served), or closing (new socket events refused while the ones in flight finish).
 */
@Injectable()
export class Lifecycle {
  private phase: 'serving' | 'draining' | 'closing' = 'serving';
  private inFlight = 0;
  private idle?: () => void;

  get draining(): boolean {
    return this.phase !== 'serving';
  }

  get closing(): boolean {
    return this.phase === 'closing';
  }

  get socketEventsInFlight(): number {
    return this.inFlight;
  }

  startDraining(): void {
    if (this.phase === 'serving') this.phase = 'draining';
  }

  /** From now on new socket events are refused; resolves once none is in flight. */
  close(): Promise<void> {
    this.phase = 'closing';
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  /** A socket event began (its handler runs until its ack is sent). */
  eventStarted(): void {
    this.inFlight += 1;
  }

  eventFinished(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0 && this.idle) {
      this.idle();
      this.idle = undefined;
    }
  }
}
