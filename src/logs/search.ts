import { stripAnsi } from './ansi';
import { GrowableUint32 } from './growable';
import type { LogModel } from './parse';
import { LineKind } from './parse';

export interface SearchResult {
  term: string;
  /** One entry per match, in order: the line it is on (a line with three matches appears three times). */
  lines: Uint32Array;
}

export const EMPTY_SEARCH: SearchResult = { term: '', lines: new Uint32Array(0) };

const escapeRegExp = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A case-insensitive matcher for a literal term. */
export function termPattern(term: string): RegExp {
  return new RegExp(escapeRegExp(term), 'gi');
}

/** `[start, end)` of each match of `pattern` in a line's shown text. */
export function matchRanges(text: string, pattern: RegExp): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    ranges.push([m.index, m.index + m[0].length]);
    if (m[0].length === 0) pattern.lastIndex++;
  }
  return ranges;
}

/**
 * Finds every match of `term` (case-insensitive) in the shown text of the lines: not in timestamps, `##[…]` markers or
 * ANSI escape sequences. One regular-expression scan over each chunk of raw text does the work; only lines holding a
 * match and an escape sequence are stripped and searched again. A match that spans a colour change is not found.
 * `lineCount` limits the search to the lines a caller has rendered so far.
 */
export function searchLog(model: LogModel, term: string, lineCount = model.lineCount): SearchResult {
  if (!term) return EMPTY_SEARCH;
  const pattern = termPattern(term);
  const linePattern = termPattern(term);
  const found = new GrowableUint32();
  model.chunkList().forEach((chunk, index) => {
    const [first, chunkEnd] = model.chunkLines(index);
    const end = Math.min(chunkEnd, lineCount);
    if (first >= end) return;
    let line = first;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(chunk); m; m = pattern.exec(chunk)) {
      while (line + 1 < end && model.lineStart(line + 1) <= m.index) line++;
      const lineEnd = model.lineEnd(line);
      if (m.index > lineEnd) break;
      if (m.index + m[0].length > lineEnd) {
        pattern.lastIndex = m.index + 1;
        continue;
      }
      const content = model.contentStart(line, lineEnd);
      const text = chunk.slice(content, lineEnd);
      if (model.kind(line) === LineKind.EndGroup) {
        pattern.lastIndex = lineEnd;
      } else if (text.includes('\x1b')) {
        for (let i = matchRanges(stripAnsi(text), linePattern).length; i > 0; i--) found.push(line);
        pattern.lastIndex = lineEnd;
      } else if (m.index >= content) {
        found.push(line);
      }
    }
  });
  return { term, lines: found.view() };
}

/** Index of the first match on or after `line` (wrapping to 0), for starting a search near what the user reads. */
export function firstMatchFrom(result: SearchResult, line: number): number {
  const { lines } = result;
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lines[mid] < line) low = mid + 1;
    else high = mid;
  }
  return low < lines.length ? low : 0;
}

/** Which match of its own line match `index` is (0 for the first on that line). */
export function ordinalInLine(result: SearchResult, index: number): number {
  let first = index;
  while (first > 0 && result.lines[first - 1] === result.lines[index]) first--;
  return index - first;
}
