import type { LogRange } from './logRange';
import { LogModel } from './parse';

/** Bytes of the first range: a few hundred lines, enough for the first screen, quick through Gate. */
export const FIRST_RANGE = 64 * 1024;
/** Bytes of every later range; the backend serves at most 2 MiB. */
export const NEXT_RANGE = 2 * 1024 * 1024;

export interface LogSnapshot {
  model: LogModel;
  lineCount: number;
  /** Which log `model` is: a log read again from its start (GitHub replaced it) is another, with another number. */
  generation: number;
}

export interface RangedSnapshot extends LogSnapshot {
  log: RangedLog;
  /** The byte after the last one read: the next range starts here. */
  offset: number;
  /** The log's size when last read. */
  size: number;
  /** The job has completed and every byte of its log has been read. */
  complete: boolean;
  /**
   * For a running job's log: when (this browser's time, in ms) the backend last read it from GitHub, and how long
   * before the last answer that was.
   */
  copy?: { readAt: number; age: number };
}

let generations = 0;

/** One job's log read range by range: each range is appended to one `LogModel`, parsing only what is new. */
export class RangedLog {
  readonly model = new LogModel();
  readonly generation = ++generations;
  offset = 0;
  private size = 0;
  private copy?: RangedSnapshot['copy'];

  get nextLength(): number {
    return this.offset === 0 ? FIRST_RANGE : NEXT_RANGE;
  }

  add(range: LogRange): RangedSnapshot {
    if (range.start !== this.offset) throw new Error(`Log range from ${range.start} does not follow ${this.offset}`);
    if (range.text) this.model.append(range.text);
    this.offset = range.end;
    this.size = range.size;
    this.copy = range.age === undefined ? undefined : { readAt: Date.now() - range.age, age: range.age };
    if (range.complete && range.end >= range.size) this.model.end();
    return this.snapshot();
  }

  snapshot(): RangedSnapshot {
    const { model, offset, size, generation, copy } = this;
    return { log: this, model, lineCount: model.lineCount, generation, offset, size, complete: model.complete, copy };
  }
}
