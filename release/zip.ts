import { zipSync, type Zippable } from 'fflate';

/** A file to put into a zip: its path inside the archive and its bytes. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

// DOS timestamps (the only ones a plain zip header holds) cannot express dates before 1980.
const DOS_EPOCH_SECONDS = Date.UTC(1980, 0, 1) / 1000;

/**
 * Zips `entries` so that the same input always gives the same bytes: entries sorted by name, every entry stamped with
 * `sourceDateEpoch` (seconds, as in https://reproducible-builds.org/specs/source-date-epoch/), no extra fields, fixed
 * compression level.
 */
export function deterministicZip(entries: ZipEntry[], sourceDateEpoch: number): Uint8Array {
  const seconds = Math.max(sourceDateEpoch, DOS_EPOCH_SECONDS);
  const utc = new Date(seconds * 1000);
  // fflate writes the DOS time from the Date's local-time fields; giving it a Date whose local fields are the UTC
  // ones makes the archive independent of the machine's time zone.
  const mtime = new Date(
    utc.getUTCFullYear(),
    utc.getUTCMonth(),
    utc.getUTCDate(),
    utc.getUTCHours(),
    utc.getUTCMinutes(),
    utc.getUTCSeconds(),
  );
  const files: Zippable = {};
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    files[entry.name] = [entry.data, { mtime, level: 9, os: 3, attrs: 0o100644 << 16 }];
  }
  return zipSync(files);
}
