import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A log in test/logs/fixtures, as the backend streams it (BOM included). */
export function readLogFixture(name: string): string {
  return readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');
}
