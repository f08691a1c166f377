import { GrowableUint32 } from './growable';
import type { LogModel } from './parse';
import { LineKind } from './parse';
import { lastAtOrBelow } from './sorted';

/**
 * Whether each group is folded: a group is folded unless it holds the first error, is the unterminated group a live
 * log is still writing, or the user opened it (`overrides`: group → folded).
 */
export function foldedGroups(
  model: LogModel,
  overrides: ReadonlyMap<number, boolean>,
  lineCount = model.lineCount,
  complete = model.complete,
): Uint8Array {
  const folded = new Uint8Array(model.groupCount).fill(1);
  if (model.firstError >= 0 && model.group(model.firstError) >= 0) folded[model.group(model.firstError)] = 0;
  const last = model.groupCount - 1;
  if (!complete && last >= 0 && model.groupEnd(last) === lineCount - 1) {
    if (model.kind(lineCount - 1) !== LineKind.EndGroup) folded[last] = 0;
  }
  overrides.forEach((isFolded, group) => {
    if (group < folded.length) folded[group] = isFolded ? 1 : 0;
  });
  return folded;
}

/**
 * The lines shown, in order, as runs of consecutive lines. A million-line log with folded groups is a few thousand
 * runs rather than a 4 MB array written again on every fold and search (new memory is slow to write the first time).
 */
export class Rows {
  constructor(
    /** First line of each run, and the row it is shown in. */
    private readonly runLines: Uint32Array,
    private readonly runRows: Uint32Array,
    readonly length: number,
  ) {}

  /** The line shown in `row` (0 ≤ row < length). */
  line(row: number): number {
    const run = lastAtOrBelow(this.runRows, row);
    return this.runLines[run] + row - this.runRows[run];
  }

  /** Row of `line`, or of the closest line shown before it (0 when there is none). */
  rowOf(line: number): number {
    if (this.length === 0) return 0;
    const run = lastAtOrBelow(this.runLines, line);
    return Math.min(this.runRows[run] + Math.max(0, line - this.runLines[run]), this.runEnd(run) - 1);
  }

  /** Row of `line`, or -1 when it is not shown. */
  rowShowing(line: number): number {
    if (this.length === 0) return -1;
    const run = lastAtOrBelow(this.runLines, line);
    const row = this.runRows[run] + line - this.runLines[run];
    return line >= this.runLines[run] && row < this.runEnd(run) ? row : -1;
  }

  /** Calls `visit` with each row's line, in order. */
  forEach(visit: (line: number, row: number) => void): void {
    for (let run = 0; run < this.runRows.length; run++) {
      const end = this.runEnd(run);
      for (let row = this.runRows[run], line = this.runLines[run]; row < end; row++, line++) visit(line, row);
    }
  }

  /** The row after the run's last. */
  private runEnd(run: number): number {
    return run + 1 < this.runRows.length ? this.runRows[run + 1] : this.length;
  }
}

/**
 * The lines shown: `##[endgroup]` lines never are, nor the body of a folded group. Built from the groups and the stray
 * `##[endgroup]` lines, not line by line: a million-line log's rows take microseconds, not a cold loop over every line.
 */
export function visibleLines(model: LogModel, folded: Uint8Array, count = model.lineCount): Rows {
  const runLines = new GrowableUint32(64);
  const runRows = new GrowableUint32(64);
  let rows = 0;
  let next = -1; // the line after the last one shown: a run goes on only from there
  /** Shows lines `from` to `to`, inclusive. */
  const show = (from: number, to: number) => {
    if (to < from) return;
    if (from !== next) {
      runLines.push(from);
      runRows.push(rows);
    }
    rows += to - from + 1;
    next = to + 1;
  };
  const strays = model.strayEndGroups();
  let stray = 0;
  /** Shows lines `from` to `to` outside groups, all but stray `##[endgroup]`s. */
  const showUngrouped = (from: number, to: number) => {
    for (; stray < strays.length && strays[stray] <= to; stray++) {
      show(from, strays[stray] - 1);
      from = strays[stray] + 1;
    }
    show(from, to);
  };
  let line = 0;
  for (let group = 0; group < model.groupCount && model.groupStart(group) < count; group++) {
    const start = model.groupStart(group);
    const end = Math.min(count - 1, model.groupEnd(group));
    showUngrouped(line, start - 1);
    if (folded[group]) show(start, start);
    else show(start, model.kind(end) === LineKind.EndGroup ? end - 1 : end);
    line = end + 1;
  }
  showUngrouped(line, count - 1);
  return new Rows(runLines.view(), runRows.view(), rows);
}

/** Whether `line` is hidden inside a folded group, and which group to open to show it. */
export function foldedGroupOf(model: LogModel, folded: Uint8Array, line: number): number {
  const group = model.group(line);
  if (group < 0 || model.groupStart(group) === line) return -1;
  return folded[group] ? group : -1;
}
