import { gunzipSync, gzipSync, type ZlibOptions } from 'node:zlib';

/**
 * The embedded store keeps webhook bodies gzipped (PostgreSQL compresses them itself, migration 006): a recorded
 * 17 kB `workflow_run` body becomes 2.7 kB in about 35 µs, which fits one database page instead of five, and writing
 * the pages was most of what storing a delivery cost. Level 1: the speed matters more than the last few percent of
 * size. gzip, so that an operator can read a stored body with standard tools (docs/operations.md).
 */
const OPTIONS: ZlibOptions = { level: 1 };

export function packPayload(payload: Uint8Array): Buffer {
  return gzipSync(payload, OPTIONS);
}

export function unpackPayload(row: { payload: string; payload_gzip: Buffer | null }): string {
  return row.payload_gzip ? gunzipSync(row.payload_gzip).toString('utf8') : row.payload;
}
