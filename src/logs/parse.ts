import { GrowableUint32, GrowableUint8 } from './growable';
import { lastAtOrBelow } from './sorted';

/** What a line is, from GitHub's `##[…]` prefix (https://docs.github.com/actions/reference/workflow-commands-for-github-actions). */
export const LineKind = {
  Text: 0,
  Group: 1,
  EndGroup: 2,
  Error: 3,
  Warning: 4,
  Notice: 5,
  Debug: 6,
  Command: 7,
  Section: 8,
} as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

const MARKERS: ReadonlyArray<[string, LineKind]> = [
  ['##[group]', LineKind.Group],
  ['##[endgroup]', LineKind.EndGroup],
  ['##[error]', LineKind.Error],
  ['##[warning]', LineKind.Warning],
  ['##[notice]', LineKind.Notice],
  ['##[debug]', LineKind.Debug],
  ['##[command]', LineKind.Command],
  ['##[section]', LineKind.Section],
  // The runner's exec listener prints commands it runs as `[command]/usr/bin/git …`; GitHub shows them as commands.
  ['[command]', LineKind.Command],
];

const BOM = 0xfeff;
const SAMPLE_LINES = 4096;
/** Where a search for text that is not there stops: beyond any chunk, and still a small integer to V8. */
const NOT_FOUND = 0x3fffffff;
const CR = 13;
const LF = 10;

/** Length of a leading `2024-01-01T00:00:00.0000000Z ` (with its space), or 0. */
function timestampLength(s: string, p: number, end: number): number {
  if (end - p < 20 || s.charCodeAt(p + 4) !== 45 || s.charCodeAt(p + 10) !== 84 || s.charCodeAt(p + 13) !== 58) {
    return 0;
  }
  // GitHub writes seven fraction digits: `Z` at 27. Other precisions are searched for.
  if (s.charCodeAt(p + 27) === 90 && s.charCodeAt(p + 19) === 46) {
    if (p + 28 === end) return 28;
    return s.charCodeAt(p + 28) === 32 ? 29 : 0;
  }
  const limit = Math.min(end, p + 40);
  for (let q = p + 19; q < limit; q++) {
    if (s.charCodeAt(q) !== 90) continue;
    if (q + 1 === end) return q + 1 - p;
    return s.charCodeAt(q + 1) === 32 ? q + 2 - p : 0;
  }
  return 0;
}

const NO_MARKER: [string, LineKind] = ['', LineKind.Text];

/** `end`, or the `\r` before it when the line that runs from `start` to `end` ends with `\r\n`. */
function withoutCr(s: string, start: number, end: number): number {
  return end > start && s.charCodeAt(end - 1) === CR ? end - 1 : end;
}

function indexOrNotFound(s: string, text: string, from: number): number {
  const index = s.indexOf(text, from);
  return index < 0 ? NOT_FOUND : index;
}

function marker(s: string, p: number): [string, LineKind] {
  const c = s.charCodeAt(p);
  if (c !== 91 /* [ */ && (c !== 35 /* # */ || s.charCodeAt(p + 1) !== 35 || s.charCodeAt(p + 2) !== 91))
    return NO_MARKER;
  for (const entry of MARKERS) if (s.startsWith(entry[0], p)) return entry;
  return NO_MARKER;
}

/**
 * A GitHub Actions job log, split into lines once and classified cheaply: offsets live in typed arrays, the text stays
 * in the strings it arrived in, and ANSI colours are only parsed for lines being rendered (see `ansi.ts`). Only lines
 * that hold `##[` or `[command]` are classified while reading; timestamps and line breaks are read when a line is.
 * `append` takes the log as it grows; a line is only added once its newline has arrived (or at `end`).
 */
export class LogModel {
  /** First line with `##[error]`, or -1. */
  firstError = -1;
  /** Longest line in characters (timestamp and escapes included): an upper bound for the unwrapped width. */
  maxLength = 0;
  /** False while more text may be appended. */
  complete = false;

  private readonly chunks: string[] = [];
  private readonly chunkFirstLine: number[] = [];
  // Five bytes a line: where it starts in its chunk, and its kind. Where it ends follows from where the next one
  // starts, its group from the groups' first lines, its timestamp and marker from its text: every byte a line takes is
  // fresh memory the first paint of a large log waits for.
  private readonly starts = new GrowableUint32();
  private readonly kinds = new GrowableUint8();
  private readonly groupStarts = new GrowableUint32();
  private readonly groupEnds = new GrowableUint32();
  /** Lines of GitHub's annotations (`##[error]`, `##[warning]`, `##[notice]`), which show a label: few, so listed. */
  private readonly annotations = new GrowableUint32(16);
  /** `##[endgroup]` lines outside any group, which are hidden like the others. */
  private readonly strayEnds = new GrowableUint32(16);
  private openGroup = -1;
  private pending = '';
  private started = false;

  get lineCount(): number {
    return this.kinds.length;
  }

  get groupCount(): number {
    return this.groupStarts.length;
  }

  /** Characters received so far, BOM excluded. */
  get length(): number {
    let total = this.pending.length;
    for (const chunk of this.chunks) total += chunk.length;
    return total;
  }

  append(text: string): void {
    if (this.complete) throw new Error('Cannot append to a log that has ended');
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    const joined = this.pending ? this.pending + text : text;
    const lastNewline = joined.lastIndexOf('\n');
    if (lastNewline < 0) {
      this.pending = joined;
      return;
    }
    this.pending = joined.slice(lastNewline + 1);
    this.addChunk(lastNewline === joined.length - 1 ? joined : joined.slice(0, lastNewline + 1));
  }

  /** No more text will come: the last line without a trailing newline becomes a line. */
  end(): void {
    if (this.complete) return;
    if (this.pending) this.addChunk(this.pending);
    this.pending = '';
    this.complete = true;
    for (const column of [...this.columns(), this.groupStarts, this.groupEnds, this.annotations]) column.trim();
  }

  /** The lines of annotations, which show a label ("Error: "), in order. */
  annotationLines(): Uint32Array {
    return this.annotations.view();
  }

  kind(line: number): LineKind {
    return this.kinds.array[line] as LineKind;
  }

  /** Group the line belongs to (a group's header line included), or -1. */
  group(line: number): number {
    const group = lastAtOrBelow(this.groupStarts.array, line, this.groupCount);
    const inGroup = this.groupCount > 0 && this.groupStart(group) <= line && line <= this.groupEnd(group);
    return inGroup ? group : -1;
  }

  groupStart(group: number): number {
    return this.groupStarts.array[group];
  }

  /** Last line of the group (its `##[endgroup]` when it has one). Grows while an unterminated group is the last one. */
  groupEnd(group: number): number {
    return this.groupEnds.array[group];
  }

  /** The whole line as received, without its line break. */
  raw(line: number): string {
    const chunk = this.chunkHolding(line);
    return chunk.slice(this.starts.array[line], this.lineEndIn(chunk, line));
  }

  timestamp(line: number): string {
    const chunk = this.chunkHolding(line);
    const start = this.starts.array[line];
    const length = timestampLength(chunk, start, this.lineEndIn(chunk, line));
    return length ? chunk.slice(start, start + length).trimEnd() : '';
  }

  /** The line after its timestamp and `##[…]` marker, ANSI escapes still in. */
  content(line: number): string {
    const chunk = this.chunkHolding(line);
    const end = this.lineEndIn(chunk, line);
    return chunk.slice(this.contentStartIn(chunk, line, end), end);
  }

  /** Length of `content(line)`, without making the string. */
  contentLength(line: number): number {
    const chunk = this.chunkHolding(line);
    const end = this.lineEndIn(chunk, line);
    return end - this.contentStartIn(chunk, line, end);
  }

  /** The raw log received so far, BOM excluded. */
  text(): string {
    return this.chunks.join('') + this.pending;
  }

  /** @internal for search: the strings lines live in, and where each line's content starts and ends. */
  chunkList(): readonly string[] {
    return this.chunks;
  }

  /** @internal */
  chunkLines(chunk: number): [first: number, end: number] {
    return [this.chunkFirstLine[chunk], this.chunkFirstLine[chunk + 1] ?? this.lineCount];
  }

  /** @internal `##[endgroup]` lines that close no group, in order. */
  strayEndGroups(): Uint32Array {
    return this.strayEnds.view();
  }

  /** @internal offset in the line's chunk */
  lineStart(line: number): number {
    return this.starts.array[line];
  }

  /** @internal offset in the line's chunk, after its timestamp and marker; `end` is `lineEnd(line)`, when known */
  contentStart(line: number, end?: number): number {
    const chunk = this.chunkHolding(line);
    return this.contentStartIn(chunk, line, end ?? this.lineEndIn(chunk, line));
  }

  /** @internal offset in the line's chunk: of its line break (`\r\n`'s `\r`), or the chunk's end */
  lineEnd(line: number): number {
    return this.lineEndIn(this.chunkHolding(line), line);
  }

  private contentStartIn(chunk: string, line: number, end: number): number {
    const start = this.starts.array[line];
    const at = start + timestampLength(chunk, start, end);
    return this.kinds.array[line] === LineKind.Text ? at : at + marker(chunk, at)[0].length;
  }

  private lineEndIn(chunk: string, line: number): number {
    // Only the first line of a chunk starts at 0.
    const next = line + 1 < this.lineCount ? this.starts.array[line + 1] : 0;
    const end = next > 0 ? next - 1 : chunk.length - (chunk.charCodeAt(chunk.length - 1) === LF ? 1 : 0);
    return withoutCr(chunk, this.starts.array[line], end);
  }

  private columns() {
    return [this.starts, this.kinds] as const;
  }

  private chunkHolding(line: number): string {
    return this.chunks[lastAtOrBelow(this.chunkFirstLine, line)];
  }

  /**
   * Finds where every line of `chunk` starts in one loop writing straight into a typed array: the first screen of a
   * small log waits for this loop while V8 still interprets it, so it does little more per line than `indexOf` and a
   * store. A line is classified only when the next `##[` or `[command]` is before its end; every other line is text,
   * which the kinds' zero-filled room already says. Each search runs ahead to the next one. `[command]` is found by its
   * `]`: V8 finds a short text by its first character at memory speed, but searches a longer one more slowly, and a
   * million-line log with no `[command]` after its first lines took 60 ms more to read with `indexOf('[command]')`.
   */
  private addChunk(chunk: string): void {
    this.chunks.push(chunk);
    this.chunkFirstLine.push(this.lineCount);
    const length = chunk.length;
    // Room for the lines still to come, estimated from this chunk's lines so far (a sample of up to 4096 lines first)
    // and 1/8 more: a million-line log grows its arrays about twice, and a copy or zero-filled page is not wasted.
    let capacity = 0;
    let starts = this.starts.array;
    let line = this.lineCount;
    let maxLength = this.maxLength;
    let hash = indexOrNotFound(chunk, '##[', 0);
    let bracket = indexOrNotFound(chunk, ']', 0);
    let p = 0;
    while (p < length) {
      if (line >= capacity) {
        const seen = line - this.lineCount;
        const room =
          seen === 0 ? Math.min(SAMPLE_LINES, (length >> 6) + 64) : Math.ceil(((length - p) * seen * 1.125) / p) + 64;
        for (const column of this.columns()) column.length = line;
        starts = this.starts.reserve(room);
        this.kinds.reserve(room);
        capacity = line + room;
      }
      let next = chunk.indexOf('\n', p);
      if (next < 0) next = length;
      starts[line] = p;
      // With a `\r` before the `\n`: an upper bound for the width is all it needs to be.
      if (next - p > maxLength) maxLength = next - p;
      while (bracket < next && !chunk.startsWith('[command', bracket - 8)) {
        bracket = indexOrNotFound(chunk, ']', bracket + 1);
      }
      if (hash < next || bracket < next) {
        this.classify(chunk, line, p, next);
        if (hash < next) hash = indexOrNotFound(chunk, '##[', next);
        if (bracket < next) bracket = indexOrNotFound(chunk, ']', next);
      }
      line++;
      p = next + 1;
    }
    this.maxLength = maxLength;
    for (const column of this.columns()) column.length = line;
    // The open group runs to the last line so far.
    if (this.openGroup >= 0) this.groupEnds.array[this.openGroup] = line - 1;
  }

  /** Reads the workflow command that may start line `line` (from `p` to its line break at `next`). */
  private classify(chunk: string, line: number, p: number, next: number): void {
    const kind = marker(chunk, p + timestampLength(chunk, p, withoutCr(chunk, p, next)))[1];
    if (kind === LineKind.Text) return;
    this.kinds.array[line] = kind;
    if (kind === LineKind.Group) {
      // GitHub does not nest groups: a new group closes the open one.
      if (this.openGroup >= 0) this.groupEnds.array[this.openGroup] = line - 1;
      this.openGroup = this.groupStarts.length;
      this.groupStarts.push(line);
      this.groupEnds.push(line);
    } else if (kind === LineKind.EndGroup) {
      if (this.openGroup >= 0) this.groupEnds.array[this.openGroup] = line;
      else this.strayEnds.push(line);
      this.openGroup = -1;
    } else if (kind === LineKind.Error || kind === LineKind.Warning || kind === LineKind.Notice) {
      this.annotations.push(line);
      if (kind === LineKind.Error && this.firstError < 0) this.firstError = line;
    }
  }
}

/** Parses a complete log. */
export function parseLog(text: string): LogModel {
  const model = new LogModel();
  model.append(text);
  model.end();
  return model;
}
