import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DIALECTS, postgresTarget, sqliteTarget, type Target } from './support/stores.js';
import { migrationProvider } from '../src/store/migrations.js';
import {
  claimDueDeliveries,
  findDispatch,
  markDeliveryFailed,
  markDeliveryProcessed,
  openStore,
  markPipelineStarted,
  pipelineStartsOf,
  pruneDeliveryBodies,
  prunePipelineStartTriggers,
  recordPipelineStarts,
  recordDispatch,
  setDispatchRun,
  type Store,
} from '../src/store/index.js';

const postgresUrl = inject('postgresUrl');
const silent = pino({ level: 'silent' });
const T0 = new Date('2025-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: unknown[];
}[];
const RECORDED_BODY = JSON.stringify(examples.find((e) => e.name === 'workflow_run')?.examples[0]);

/** Stores one delivery as the webhook route does. */
function recordDelivery(
  store: Store,
  { payload, ...delivery }: { id: string; event: string; action?: string | null; payload: string; receivedAt: Date },
): Promise<{ inserted: boolean }> {
  return store.recordDelivery({ ...delivery, payload: Buffer.from(payload) });
}

function capturingLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => out.push(line) });
  return { logger, lines: () => out.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

for (const { kind, skipped } of DIALECTS) {
  describe.skipIf(skipped !== undefined)(`the ${kind} store${skipped ? ` (${skipped})` : ''}`, () => {
    let target: Target;
    const opened: Store[] = [];

    async function fresh(): Promise<Target> {
      target = kind === 'sqlite' ? sqliteTarget() : await postgresTarget(postgresUrl!);
      return target;
    }
    async function open(logger?: Logger): Promise<Store> {
      const store = await target.open(logger);
      opened.push(store);
      return store;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await target.drop();
    });

    it('creates the database and its tables on first open', async () => {
      await fresh();
      if (target.file) expect(existsSync(target.file)).toBe(false);
      const { logger, lines } = capturingLogger();
      const store = await open(logger);

      expect(store.kind).toBe(kind);
      if (target.file) expect(existsSync(target.file)).toBe(true);
      const tables = (await store.db.introspection.getTables()).map((table) => table.name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'deliveries',
          'dispatches',
          'pipeline_starts',
          'deployment_links',
          'deployment_status_updates',
          'run_states',
          'run_jobs',
        ]),
      );
      const migrations = Object.keys(await migrationProvider(kind).getMigrations());
      expect(migrations).toContain('008_deployment_links_environment_url');
      expect(lines().filter((line) => line.msg === 'database migration applied')).toHaveLength(migrations.length);
    });

    it('keeps its data across a restart and does not migrate again', async () => {
      await fresh();
      const first = await open();
      await recordDelivery(first, { id: 'd-1', event: 'push', payload: '{"ref":"main"}', receivedAt: T0 });
      await first.close();

      const { logger, lines } = capturingLogger();
      const second = await open(logger);
      expect(await claimDueDeliveries(second, { now: T0, limit: 10, leaseMs: 1000 })).toMatchObject([
        { id: 'd-1', event: 'push', action: null, payload: '{"ref":"main"}', receivedAt: T0, attempt: 1 },
      ]);
      expect(lines().filter((line) => line.msg === 'database migration applied')).toEqual([]);
    });

    it('keeps the first copy when GitHub redelivers the same delivery id', async () => {
      await fresh();
      const store = await open();
      const delivery = { id: 'd-1', event: 'workflow_run', action: 'completed', receivedAt: T0 };

      expect(await recordDelivery(store, { ...delivery, payload: '{"n":1}' })).toEqual({ inserted: true });
      expect(await recordDelivery(store, { ...delivery, payload: '{"n":2}' })).toEqual({ inserted: false });

      const claimed = await claimDueDeliveries(store, { now: T0, limit: 10, leaseMs: 1000 });
      expect(claimed.map((d) => d.payload)).toEqual(['{"n":1}']);
    });

    it('stores deliveries that arrive together, answering each after the commit, a repeated id as a duplicate', async () => {
      await fresh();
      const store = await open();
      const ids = ['a', 'b', 'a', 'c', 'b'];
      const results = await Promise.all(
        ids.map((id) => recordDelivery(store, { id, event: 'push', payload: `{"id":"${id}"}`, receivedAt: T0 })),
      );

      expect(results.map((r) => r.inserted)).toEqual([true, true, false, true, false]);
      const claimed = await claimDueDeliveries(store, { now: T0, limit: 10, leaseMs: 1000 });
      expect(claimed.map((d) => [d.id, d.payload])).toEqual([
        ['a', '{"id":"a"}'],
        ['b', '{"id":"b"}'],
        ['c', '{"id":"c"}'],
      ]);
    });

    it('refuses the deliveries of a failed write, and stores the next ones', async () => {
      await fresh();
      const store = await open();
      // No time of receipt: the insert breaks a NOT NULL constraint (or bigint's syntax) and the write fails.
      const bad = { event: 'push', payload: '{}', receivedAt: new Date(Number.NaN) };
      await expect(
        Promise.all([recordDelivery(store, { ...bad, id: 'x' }), recordDelivery(store, { ...bad, id: 'y' })]),
      ).rejects.toThrow();

      expect(await recordDelivery(store, { id: 'z', event: 'push', payload: '{}', receivedAt: T0 })).toEqual({
        inserted: true,
      });
      const claimed = await claimDueDeliveries(store, { now: T0, limit: 10, leaseMs: 1000 });
      expect(claimed.map((d) => d.id)).toEqual(['z']);
    });

    it('stores a large body, whose memory the embedded store hands to its writer thread, and a small one from the shared pool, intact', async () => {
      await fresh();
      const store = await open();
      const large = JSON.stringify({ action: 'completed', log: 'ü✓𝄞'.repeat(3_000) });
      // A Buffer that owns all of its memory, as raw-body's Buffer.concat gives a large request body on Node 20
      // (Node 24 may hand out pooled memory there, which the store then copies like the small one).
      const bytes = new TextEncoder().encode(large);
      const owned = Buffer.from(bytes.buffer, 0, bytes.byteLength);
      expect(owned.byteLength).toBe(owned.buffer.byteLength);
      const pooled = Buffer.from('{"small":true}');
      expect(pooled.byteLength).toBeLessThan(pooled.buffer.byteLength);

      await Promise.all([
        store.recordDelivery({ id: 'large', event: 'push', payload: owned, receivedAt: T0 }),
        store.recordDelivery({ id: 'small', event: 'push', payload: pooled, receivedAt: T0 }),
      ]);

      const claimed = await claimDueDeliveries(store, { now: T0, limit: 10, leaseMs: 1000 });
      const payloadOf = (id: string) => claimed.find((d) => d.id === id)?.payload;
      expect(payloadOf('large') === large).toBe(true);
      expect(payloadOf('small')).toBe('{"small":true}');
    });

    it('keeps a delivery body compressed, and still reads one stored before migration 005', async () => {
      await fresh();
      const store = await open();
      const body = JSON.stringify({ action: 'completed', workflow_run: { id: 1, name: 'é ✓ 𝄞'.repeat(2_000) } });
      await recordDelivery(store, { id: 'new', event: 'workflow_run', payload: body, receivedAt: T0 });
      // As the store kept deliveries before migration 005: the body as text, nothing gzipped.
      await store.db
        .insertInto('deliveries')
        .values({
          id: 'old',
          event: 'push',
          action: null,
          payload: '{"ref":"main"}',
          received_at: T0.getTime(),
          status: 'pending',
          next_attempt_at: T0.getTime(),
        })
        .execute();

      const row = await store.db.selectFrom('deliveries').selectAll().where('id', '=', 'new').executeTakeFirstOrThrow();
      if (kind === 'sqlite') {
        expect(row.payload).toBe('');
        expect(gunzipSync(row.payload_gzip!).toString('utf8')).toBe(body);
        expect(row.payload_gzip!.length).toBeLessThan(Buffer.byteLength(body) / 4);
      } else {
        // PostgreSQL keeps the text and compresses it itself, with lz4 (migration 006).
        expect([row.payload === body, row.payload_gzip]).toEqual([true, null]);
        const { rows } = await sql<{ method: string; size: number }>`
          select pg_column_compression(payload) as method, pg_column_size(payload) as size from deliveries where id = 'new'
        `.execute(store.db);
        expect(rows[0]?.method).toBe('lz4');
        expect(rows[0]?.size).toBeLessThan(Buffer.byteLength(body) / 4);
      }
      const claimed = await claimDueDeliveries(store, { now: T0, limit: 10, leaseMs: 1000 });
      expect(claimed.map((d) => [d.id, d.payload])).toEqual([
        ['new', body],
        ['old', '{"ref":"main"}'],
      ]);
      if (kind === 'postgres') {
        // A recorded 17 kB delivery stays in the row, compressed, instead of moving out to the TOAST table.
        await recordDelivery(store, { id: 'recorded', event: 'workflow_run', payload: RECORDED_BODY, receivedAt: T0 });
        const { rows: tables } = await sql<{ toast: string }>`
            select reltoastrelid::regclass::text as toast from pg_class where relname = 'deliveries'
          `.execute(store.db);
        const { rows: toasted } = await sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.raw(tables[0]!.toast)}`.execute(store.db);
        expect(toasted[0]?.n).toBe(0);
        const recorded = await store.db
          .selectFrom('deliveries')
          .select('payload')
          .where('id', '=', 'recorded')
          .executeTakeFirstOrThrow();
        expect(recorded.payload === RECORDED_BODY).toBe(true);
      }
    });

    it('drops the bodies of deliveries handled before the retention, and still knows their ids', async () => {
      await fresh();
      const store = await open();
      const day = 86_400_000;
      for (const [id, receivedAt] of [
        ['old-processed', T0],
        ['old-failed', T0],
        ['old-pending', T0],
        ['new-processed', at(10 * day)],
      ] as const) {
        await recordDelivery(store, { id, event: 'push', payload: `{"id":"${id}"}`, receivedAt });
      }
      await claimDueDeliveries(store, { now: at(10 * day), limit: 10, leaseMs: 1000 });
      for (const id of ['old-processed', 'new-processed']) await markDeliveryProcessed(store.db, id, at(10 * day));
      await markDeliveryFailed(store.db, 'old-failed', 'unknown event', { final: true });

      expect(await pruneDeliveryBodies(store.db, at(7 * day))).toBe(2);
      expect(await pruneDeliveryBodies(store.db, at(7 * day))).toBe(0);

      const rows = await store.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
      expect(rows.map((row) => [row.id, row.status, row.payload_gzip === null && row.payload === ''])).toEqual([
        ['new-processed', 'processed', false],
        ['old-failed', 'failed', true],
        ['old-pending', 'pending', false],
        ['old-processed', 'processed', true],
      ]);
      expect(
        await recordDelivery(store, { id: 'old-processed', event: 'push', payload: '{}', receivedAt: T0 }),
      ).toEqual({ inserted: false });
    });

    it('drops the event from the triggers of settled pipeline starts of handled deliveries before the retention', async () => {
      await fresh();
      const store = await open();
      const day = 86_400_000;
      const trigger = {
        type: 'github-workflow-run',
        user: 'octocat',
        payload: { action: 'completed', run: 'x'.repeat(50) },
      };
      for (const id of ['handled', 'retrying']) {
        await recordDelivery(store, { id, event: 'workflow_run', payload: '{}', receivedAt: T0 });
        await recordPipelineStarts(
          store.db,
          id,
          [{ pipelineId: 'p1', application: 'app', pipelineName: 'Deploy', trigger }],
          T0,
        );
        await markPipelineStarted(store.db, { deliveryId: id, pipelineId: 'p1' }, `01J${id}`, T0);
      }
      await claimDueDeliveries(store, { now: T0, limit: 10, leaseMs: 1000 });
      await markDeliveryProcessed(store.db, 'handled', T0);

      expect(await prunePipelineStartTriggers(store.db, at(7 * day))).toBe(1);
      expect(await prunePipelineStartTriggers(store.db, at(7 * day))).toBe(0);

      const [handled] = await pipelineStartsOf(store.db, 'handled');
      const [retrying] = await pipelineStartsOf(store.db, 'retrying');
      expect(handled).toMatchObject({
        status: 'started',
        executionId: '01Jhandled',
        trigger: { type: 'github-workflow-run' },
      });
      expect(handled!.trigger).not.toHaveProperty('payload');
      expect(retrying!.trigger).toEqual(trigger);
    });

    it('never gives the same delivery to two claimers working at once, nor more than asked', async () => {
      await fresh();
      const [a, b] = [await open(), await open()];
      const ids = Array.from({ length: 40 }, (_, i) => `d-${String(i).padStart(2, '0')}`);
      for (const id of ids) await recordDelivery(a, { id, event: 'push', payload: '{}', receivedAt: T0 });

      const claimedBy = { a: [] as string[], b: [] as string[] };
      for (;;) {
        const [fromA, fromB] = await Promise.all([
          claimDueDeliveries(a, { now: at(1), limit: 3, leaseMs: 60_000 }),
          claimDueDeliveries(b, { now: at(1), limit: 3, leaseMs: 60_000 }),
        ]);
        if (fromA.length === 0 && fromB.length === 0) break;
        expect([fromA.length, fromB.length].every((n) => n <= 3)).toBe(true);
        claimedBy.a.push(...fromA.map((d) => d.id));
        claimedBy.b.push(...fromB.map((d) => d.id));
      }

      expect(claimedBy.a.filter((id) => claimedBy.b.includes(id))).toEqual([]);
      expect([...claimedBy.a, ...claimedBy.b].sort()).toEqual(ids);
    });

    it('hands a leased delivery out again only once its lease has run out', async () => {
      await fresh();
      const store = await open();
      await recordDelivery(store, { id: 'd-1', event: 'push', payload: '{}', receivedAt: T0 });

      expect(await claimDueDeliveries(store, { now: T0, limit: 10, leaseMs: 30_000 })).toHaveLength(1);
      expect(await claimDueDeliveries(store, { now: at(29_999), limit: 10, leaseMs: 30_000 })).toEqual([]);
      expect(await claimDueDeliveries(store, { now: at(30_000), limit: 10, leaseMs: 30_000 })).toMatchObject([
        { id: 'd-1', attempt: 2 },
      ]);
    });

    it('does not hand out a failed delivery before its retry time', async () => {
      await fresh();
      const store = await open();
      await recordDelivery(store, { id: 'd-1', event: 'push', payload: '{}', receivedAt: T0 });
      await claimDueDeliveries(store, { now: T0, limit: 10, leaseMs: 1000 });

      await markDeliveryFailed(store.db, 'd-1', 'GitHub answered 502', { retryAt: at(300_000) });

      expect(await claimDueDeliveries(store, { now: at(299_999), limit: 10, leaseMs: 1000 })).toEqual([]);
      expect(await claimDueDeliveries(store, { now: at(300_000), limit: 10, leaseMs: 1000 })).toMatchObject([
        { id: 'd-1', attempt: 2 },
      ]);
      const row = await store.db.selectFrom('deliveries').selectAll().where('id', '=', 'd-1').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', attempts: 2, last_error: 'GitHub answered 502' });
    });

    it('never hands out a processed delivery or one that failed for good', async () => {
      await fresh();
      const store = await open();
      for (const id of ['done', 'hopeless', 'waiting']) {
        await recordDelivery(store, { id, event: 'push', payload: '{}', receivedAt: T0 });
      }
      await claimDueDeliveries(store, { now: T0, limit: 10, leaseMs: 1000 });

      await markDeliveryProcessed(store.db, 'done', at(10));
      await markDeliveryFailed(store.db, 'hopeless', 'unknown event', { final: true });

      const later = await claimDueDeliveries(store, { now: at(86_400_000), limit: 10, leaseMs: 1000 });
      expect(later.map((d) => d.id)).toEqual(['waiting']);
      const rows = await store.db
        .selectFrom('deliveries')
        .select(['id', 'status', 'processed_at'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: 'done', status: 'processed', processed_at: at(10).getTime() },
        { id: 'hopeless', status: 'failed', processed_at: null },
        { id: 'waiting', status: 'pending', processed_at: null },
      ]);
    });

    it('records a dispatch once and remembers the workflow run it started', async () => {
      await fresh();
      const store = await open();
      const dispatch = { key: 'exec-1:stage-1', owner: 'octo', repo: 'app', correlationId: 'c-1' };

      expect(await recordDispatch(store.db, { ...dispatch, request: '{"ref":"main"}' }, T0)).toEqual({
        inserted: true,
      });
      expect(await recordDispatch(store.db, { ...dispatch, request: '{"ref":"dev"}' }, at(5))).toEqual({
        inserted: false,
      });
      // Run IDs are past 2^32 on github.com.
      expect(await setDispatchRun(store.db, dispatch.key, 17_123_456_789, at(60))).toEqual({ updated: true });

      expect(await findDispatch(store.db, dispatch.key)).toEqual({
        ...dispatch,
        request: '{"ref":"main"}',
        runId: 17_123_456_789,
        createdAt: T0,
        updatedAt: at(60),
      });
      expect(await findDispatch(store.db, 'exec-2:stage-1')).toBeUndefined();
      expect(await setDispatchRun(store.db, 'exec-2:stage-1', 1)).toEqual({ updated: false });
    });

    it('answers ping while open and fails it once closed', async () => {
      await fresh();
      const store = await open();
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow('closed');
      await expect(store.close()).resolves.toBeUndefined();
    });

    // Only SQLite has a journal mode and a file to name; these tests are not defined for PostgreSQL.
    if (kind === 'sqlite') {
      it('writes through a WAL journal with full sync', async () => {
        await fresh();
        const store = await open();
        const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
        const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
        expect(rows[0]?.journal_mode).toBe('wal');
        expect(sync.rows[0]?.synchronous).toBe(2);
      });

      it('names the file when the database cannot be created there', async () => {
        await fresh();
        const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
        // A regular file where a directory should be, and a directory where the file should be: unusable even for root.
        writeFileSync(join(dir, 'a-file'), '');
        try {
          for (const file of [join(dir, 'a-file', 'store.db'), dir]) {
            await expect(openStore({ databaseFile: file, logger: silent })).rejects.toThrow(
              `Cannot open the database file ${file} (DATABASE_FILE): `,
            );
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}

describe('openStore with an unreachable PostgreSQL', () => {
  it('names the host and database, never the password', async () => {
    const { logger, lines } = capturingLogger();
    const error = await openStore({
      databaseUrl: 'postgres://spin:s3cret-pw@127.0.0.1:1/spinnaker',
      databaseFile: 'unused',
      logger,
    }).catch((e: unknown) => e as Error);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Cannot reach PostgreSQL at 127\.0\.0\.1:1\/spinnaker: .*ECONNREFUSED/);
    expect(JSON.stringify(lines()) + (error as Error).message).not.toContain('s3cret-pw');
  });
});
