import type { LogModel } from './parse';
import { LineKind } from './parse';

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

/** The lines shown, in order: `##[endgroup]` lines never are, nor the body of a folded group. */
export function visibleLines(model: LogModel, folded: Uint8Array, count = model.lineCount): Uint32Array {
  const rows = new Uint32Array(count);
  let n = 0;
  for (let line = 0; line < count; line++) {
    const kind = model.kind(line);
    if (kind === LineKind.EndGroup) continue;
    rows[n++] = line;
    if (kind === LineKind.Group && folded[model.group(line)])
      line = Math.min(count - 1, model.groupEnd(model.group(line)));
  }
  return rows.subarray(0, n);
}

/** Row of `line` in `rows`, or of the closest line before it. */
export function rowOfLine(rows: Uint32Array, line: number): number {
  let low = 0;
  let high = rows.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (rows[mid] <= line) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Whether `line` is hidden inside a folded group, and which group to open to show it. */
export function foldedGroupOf(model: LogModel, folded: Uint8Array, line: number): number {
  const group = model.group(line);
  if (group < 0 || model.groupStart(group) === line) return -1;
  return folded[group] ? group : -1;
}
