import type { LogRange } from './logRange';
import { LogModel } from './parse';

/** Bytes of the first range: a few hundred lines, enough for the first screen, quick through Gate. */
export const FIRST_RANGE = 64 * 1024;
/** Bytes of every later range; the backend serves at most 2 MiB. */
export const NEXT_RANGE = 2 * 1024 * 1024;
/**
 * Characters of its last line that a read of a running job's log asks for again, at most: 3 KiB of UTF-8 at most. A
 * line of GitHub's, its timestamp to the tenth of a microsecond included, tells one log from another at the same
 * offset, and is mostly far shorter. A longer one (minified output, a progress bar redrawn with `\r`) can run to
 * megabytes, which every poll would bring again: its last 1024 characters are as good a check.
 */
export const OVERLAP_LIMIT = 1024;

export interface LogSnapshot {
  model: LogModel;
  lineCount: number;
  /** Which log `model` is: a log read again from its start (GitHub replaced it) is another, with another number. */
  generation: number;
}

export interface RangedSnapshot extends LogSnapshot {
  log: RangedLog;
  /** The byte after the last one read. */
  offset: number;
  /** The log's size when last read. */
  size: number;
  /** The job has completed and every byte of its log has been read. */
  complete: boolean;
  /**
   * For a running job's log: when (this browser's time, in ms) the newest copy its lines came from was read from
   * GitHub by the backend, and how long before the last answer that was.
   */
  copy?: { readAt: number; age: number };
}

let generations = 0;
const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/**
 * The end of `text` from the start of the line that its last line break ends, at most `OVERLAP_LIMIT` characters, and
 * after its last U+FFFD: the decoder's stand-in for bytes that are not UTF-8, whose number it does not tell.
 */
function tailOf(text: string): string {
  const end = text.lastIndexOf('\n');
  let from = end > 0 ? text.lastIndexOf('\n', end - 1) + 1 : 0;
  from = Math.max(from, text.length - OVERLAP_LIMIT, text.lastIndexOf('\ufffd') + 1);
  // Not between the two halves of a character beyond U+FFFF.
  const code = text.charCodeAt(from);
  return text.slice(code >= 0xdc00 && code <= 0xdfff ? from + 1 : from);
}

/**
 * One job's log read range by range: each range is appended to one `LogModel`, parsing only what is new. While the job
 * runs, GitHub may write its log anew, and the backend's replicas each hold their own copy: a read asks again for the
 * last line it has, from where the client knows a character starts, and `follows` says whether it is still the same.
 */
export class RangedLog {
  readonly model = new LogModel();
  readonly generation = ++generations;
  offset = 0;
  private size = 0;
  private copy?: RangedSnapshot['copy'];
  private jobCompleted = false;
  /** The text read last, from the start of its last line: what a read of the running job's log asks for again. */
  private tail = '';
  private tailBytes = 0;

  /** The range to read next: the bytes after the last one read, and while the job runs, its last line before them. */
  nextRange(): { start: number; length: number } {
    if (this.offset === 0) return { start: 0, length: FIRST_RANGE };
    return { start: this.offset - (this.jobCompleted ? 0 : this.tailBytes), length: NEXT_RANGE };
  }

  /**
   * Whether `range` goes on from the text read so far: it starts after it, or before it with the same text, or it is
   * the start of that text from a copy of the running log that is behind (`behind`).
   */
  follows(range: LogRange): boolean {
    if (range.start === this.offset || this.behind(range)) return true;
    return range.start === this.offset - this.tailBytes && range.text.startsWith(this.tail);
  }

  /**
   * Whether `range` comes from a replica whose copy of the running log is older than the one read so far: it ends
   * within the last line read, with the same text. That replica says that nothing follows yet, as it does for a read
   * from past its end (backend/src/github/jobLogCache.ts), not that the log is another one.
   */
  private behind(range: LogRange): boolean {
    const { start, end, complete, text } = range;
    return !complete && start === this.offset - this.tailBytes && end < this.offset && this.tail.startsWith(text);
  }

  add(range: LogRange): RangedSnapshot {
    if (!this.follows(range)) throw new Error(`Log range from ${range.start} does not follow ${this.offset}`);
    if (this.behind(range)) {
      // Nothing more to read at once: the next poll, with backoff, finds the new bytes here or on another replica.
      this.size = this.offset;
      this.noteCopy(range);
      return this.snapshot();
    }
    const text = range.start < this.offset ? range.text.slice(this.tail.length) : range.text;
    if (text) this.model.append(text);
    this.tail = tailOf(text.length < OVERLAP_LIMIT ? this.tail + text : text.slice(-OVERLAP_LIMIT));
    this.tailBytes = utf8Length(this.tail);
    this.offset = range.end;
    this.size = range.size;
    this.noteCopy(range);
    this.jobCompleted = range.complete;
    if (range.complete && range.end >= range.size) this.model.end();
    return this.snapshot();
  }

  /**
   * How old the lines read so far are: as of the newest copy any answer came from. Replicas read GitHub each on its
   * own, so polls that reach them in turn bring copies of different ages; the lines shown are as new as the newest.
   */
  private noteCopy({ age }: LogRange): void {
    if (age === undefined) {
      this.copy = undefined;
      return;
    }
    const now = Date.now();
    const readAt = Math.max(now - age, this.copy?.readAt ?? -Infinity);
    this.copy = { readAt, age: now - readAt };
  }

  snapshot(): RangedSnapshot {
    const { model, offset, size, generation, copy } = this;
    return { log: this, model, lineCount: model.lineCount, generation, offset, size, complete: model.complete, copy };
  }
}
