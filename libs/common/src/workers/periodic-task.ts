/**
 * Runs `tick` every `intervalMs`, one run at a time (a slow run skips the beats it overlaps), on a
 * timer that does not keep the process alive. stop() waits for the run in progress.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly intervalMs: number,
    private readonly tick: () => Promise<void>,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.run(), this.intervalMs);
    this.timer.unref();
  }

  /** Runs now rather than at the next beat (work just arrived); during a run, once more after it. */
  trigger(): void {
    if (!this.timer) return;
    if (this.running) this.again = true;
    else this.run();
  }

  private run(): void {
    this.running ??= this.tick().finally(() => {
      this.running = undefined;
      if (this.again && this.timer) {
        this.again = false;
        this.run();
      }
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
