import { parse as parseProperties } from 'dot-properties';
import { unzipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { ArtifactError } from '../github/runArtifacts.js';

export type ResultsFormat = 'json' | 'yaml' | 'properties';

/** The formats the stage reads, by the file's extension, like the Jenkins stage's property file. */
export function formatOf(file: string): ResultsFormat | undefined {
  const extension = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (extension === 'json') return 'json';
  if (extension === 'yml' || extension === 'yaml') return 'yaml';
  if (extension === 'properties') return 'properties';
  return undefined;
}

const normalize = (path: string) => path.replace(/^\.?\/+/, '');

/**
 * One file out of an artifact's zip archive, at most `maxBytes` once inflated. Only that entry is inflated, into a
 * buffer of the size the archive declares, so an archive that lies about it cannot grow past the cap.
 */
export function fileFromZip(
  archive: Uint8Array,
  { artifact, file, maxBytes }: { artifact: string; file: string; maxBytes: number },
): string {
  const wanted = normalize(file);
  const names: string[] = [];
  let declared = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(archive, {
      filter: (entry) => {
        if (entry.name.endsWith('/')) return false;
        names.push(entry.name);
        if (normalize(entry.name) !== wanted) return false;
        declared = entry.originalSize;
        return entry.originalSize <= maxBytes;
      },
    });
  } catch (error) {
    throw new ArtifactError(`Artifact "${artifact}" is not a readable zip archive: ${(error as Error).message}.`);
  }
  const found = Object.entries(entries).find(([name]) => normalize(name) === wanted)?.[1];
  if (declared > maxBytes) {
    throw new ArtifactError(
      `${file} in artifact "${artifact}" is ${declared} bytes; the stage reads results files of at most ${maxBytes} bytes.`,
    );
  }
  if (!found) {
    const shown = names.slice(0, 10).join(', ');
    const more = names.length > 10 ? ` and ${names.length - 10} more` : '';
    throw new ArtifactError(
      `Artifact "${artifact}" has no file ${file}; it holds ${names.length ? `${shown}${more}` : 'no files'}.`,
    );
  }
  return new TextDecoder('utf-8').decode(found);
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The file's keys and values. A file that does not parse, or whose top level is not a map, fails the stage. */
export function parseResults(file: string, text: string): Record<string, unknown> {
  const format = formatOf(file);
  const fail = (why: string) => new ArtifactError(`${file} does not parse as ${format}: ${why}`);
  let value: unknown;
  try {
    if (format === 'json') value = JSON.parse(text);
    else if (format === 'yaml') value = parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
    else if (format === 'properties') value = parseProperties(text);
    else throw new ArtifactError(`${file} is neither .json, .yml, .yaml nor .properties; the stage cannot read it.`);
  } catch (error) {
    if (error instanceof ArtifactError) throw error;
    throw fail((error as Error).message.split('\n')[0] ?? 'unknown error');
  }
  if (!isMap(value)) throw fail('its top level must be a map of keys to values.');
  return value;
}
