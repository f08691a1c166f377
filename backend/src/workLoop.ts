/**
 * Runs `work` in the background: at once when woken, and every `intervalMs` when nothing wakes it. A wake during
 * a run is remembered and runs once more after it, so work stored meanwhile is never left waiting for the timer.
 */
export class WorkLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly options: {
      intervalMs: number;
      onError: (error: unknown) => void;
      /** Until `start()`, a wake does nothing. */
      stopped: boolean;
    },
  ) {}

  start(): void {
    this.options.stopped = false;
    this.wake();
  }

  wake(): void {
    if (this.options.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.work()
      .catch(this.options.onError)
      .finally(() => {
        this.running = undefined;
        if (this.options.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.timer = setTimeout(() => this.wake(), this.options.intervalMs);
          this.timer.unref();
        }
      });
  }

  /** Stops waking and waits for a run in progress. */
  async stop(): Promise<void> {
    this.options.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

/** A worker whose due work a WorkLoop drains in the background: start, wake and stop are the loop's. */
export abstract class LoopWorker {
  private readonly loop: WorkLoop;

  protected constructor(loop: ConstructorParameters<typeof WorkLoop>[1]) {
    this.loop = new WorkLoop(() => this.drain(), loop);
  }

  /** Handles the work that was due when it was called, then returns. For tests and the loop. */
  abstract drain(): Promise<void>;

  start(): void {
    this.loop.start();
  }

  /** Does due work now (coalesced with a run already going). */
  wake(): void {
    this.loop.wake();
  }

  /** Stops waking and waits for a run in progress. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
