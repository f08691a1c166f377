import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from '../errors.js';
import { packPayload } from './deliveryPayload.js';
import type { DeliveryRow } from './deliveries.js';
import type { WriteReply, WriteRequest } from './deliveryWriter.js';
import { openSqliteConnection } from './sqliteConnection.js';

/**
 * The embedded store's delivery writer, on its own thread: gzipping a 17 kB body, inserting it and syncing the WAL
 * costs about 100 µs per delivery, which on the main thread would stop every other request for that long.
 *
 * Group commit: each request's bodies are gzipped as soon as it arrives; once the requests waiting in the port have
 * all been taken (setImmediate runs after them), one transaction stores them all and each request is answered.
 */
const { file } = workerData as { file: string };
const { raw } = openSqliteConnection(file);
const insert = raw.prepare<[string, string, string | null, Buffer, number, number]>(
  `insert into deliveries (id, event, action, payload, payload_gzip, received_at, status, next_attempt_at)
   values (?, ?, ?, '', ?, ?, 'pending', ?) on conflict (id) do nothing`,
);

interface Packed {
  seq: number;
  rows: DeliveryRow[];
  gzipped: Buffer[];
}

const insertAll = raw.transaction((requests: Packed[]) =>
  requests.map(({ rows, gzipped }) =>
    rows.filter(
      (row, i) => insert.run(row.id, row.event, row.action, gzipped[i]!, row.receivedAt, row.receivedAt).changes,
    ),
  ),
);

let waiting: Packed[] = [];

function commit(): void {
  const requests = waiting;
  waiting = [];
  if (!requests.length) return;
  let replies: WriteReply[];
  try {
    const inserted = insertAll(requests);
    replies = requests.map(({ seq }, i) => ({ seq, inserted: inserted[i]!.map((row) => row.id) }));
  } catch (error) {
    const message = messageOf(error);
    replies = requests.map(({ seq }) => ({ seq, error: message }));
  }
  for (const reply of replies) parentPort?.postMessage(reply);
}

parentPort?.on('message', ({ seq, rows }: WriteRequest) => {
  if (!waiting.length) setImmediate(commit);
  try {
    waiting.push({ seq, rows, gzipped: rows.map((row) => packPayload(row.payload)) });
  } catch (error) {
    parentPort?.postMessage({
      seq,
      error: messageOf(error),
    } satisfies WriteReply);
  }
});
