import SqliteDatabase from 'better-sqlite3';

const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the SQLite file as every connection of the store does, the main thread's and the delivery writer's:
 * WAL (readers never wait for the writer), FULL sync, and a busy timeout so writers queue rather than fail.
 * Answers the journal mode the file ended up in: some filesystems cannot do WAL.
 */
export function openSqliteConnection(path: string): { raw: SqliteDatabase.Database; journalMode: unknown } {
  const raw = new SqliteDatabase(path);
  try {
    const journalMode = raw.pragma('journal_mode = WAL', { simple: true });
    // FULL: a delivery acknowledged to GitHub must still be there after a power cut, not only after a crash.
    raw.pragma('synchronous = FULL');
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    raw.pragma('foreign_keys = ON');
    return { raw, journalMode };
  } catch (error) {
    raw.close();
    throw error;
  }
}
