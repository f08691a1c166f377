import { Worker } from 'node:worker_threads';
import type { DeliveryRow } from './deliveries.js';

export interface WriteRequest {
  seq: number;
  rows: DeliveryRow[];
}

export type WriteReply = { seq: number; inserted: string[] } | { seq: number; error: string };

/**
 * The memory of a body that can be handed to the writer thread instead of copied: one that owns all of its
 * ArrayBuffer (raw-body's concatenated request body does; a slice of Node's shared buffer pool does not).
 * The sender must not read it afterwards.
 */
function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const { buffer } = bytes;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}

interface Waiting {
  resolve: (inserted: Set<string>) => void;
  reject: (error: Error) => void;
}

/**
 * Built, the worker is deliveryWriter.worker.js beside this file. Run from the TypeScript sources (tests, `npm run
 * dev`, the benchmark) it is a .ts file, which a worker thread can load only through tsx's API: Node 20 does not apply
 * the `--import tsx` hooks to a worker's entry module.
 */
function newWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./deliveryWriter.worker.js', import.meta.url), { workerData });
  }
  const source = new URL('./deliveryWriter.worker.ts', import.meta.url).href;
  const load = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(load, { eval: true, workerData });
}

/**
 * Writes deliveries to the embedded SQLite file from a worker thread (deliveryWriter.worker.ts), so that the event
 * loop goes on reading and verifying requests while a batch is being committed. `write` resolves with the ids
 * that were new, after the commit. The thread starts on the first write and is started again if it dies.
 */
export class SqliteDeliveryWriter {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private seq = 0;

  constructor(private readonly file: string) {}

  write(rows: DeliveryRow[]): Promise<Set<string>> {
    const worker = (this.worker ??= this.start());
    const seq = ++this.seq;
    const written = new Promise<Set<string>>((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.postMessage(
        { seq, rows } satisfies WriteRequest,
        rows.flatMap(({ payload }) => transferable(payload)),
      );
    });
    this.inFlight.add(written);
    const forget = () => this.inFlight.delete(written);
    written.then(forget, forget);
    return written;
  }

  /** Stops the thread once the writes already asked for have been answered. */
  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = newWorker({ file: this.file });
    worker.on('message', (reply: WriteReply) => {
      const waiting = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      if ('error' in reply) waiting?.reject(new Error(`Storing webhook deliveries failed: ${reply.error}`));
      else waiting?.resolve(new Set(reply.inserted));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    worker.on('error', (error) => fail(new Error(`The delivery writer thread failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new Error(`The delivery writer thread exited with code ${code}`)));
    // The HTTP server keeps the process alive; an idle writer thread must not.
    worker.unref();
    return worker;
  }
}
