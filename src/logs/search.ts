import type { Span } from './ansi';
import { parseAnsi, startsWithControl } from './ansi';
import { GrowableUint32 } from './growable';
import { labelOf } from './lineText';
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
 * The matches of `pattern` in a line as the viewer shows it, as `[start, end)` in its label and text. A match does not
 * cross an escape sequence or a control character, just as `searchLog`'s scan of the raw text cannot: what the search
 * counts is what the row marks. The label ("Error: ") runs into the text after it, as it reads.
 */
export function shownMatches(label: string, content: string, spans: Span[], pattern: RegExp): Array<[number, number]> {
  const runs = spans.map((span) => span.text);
  if (label && (runs.length === 0 || startsWithControl(content))) runs.unshift(label);
  else if (label) runs[0] = label + runs[0];
  const ranges: Array<[number, number]> = [];
  let offset = 0;
  for (const run of runs) {
    for (const [start, end] of matchRanges(run, pattern)) ranges.push([offset + start, offset + end]);
    offset += run.length;
  }
  return ranges;
}

/**
 * Finds every match of `term` (case-insensitive) in the shown text of the lines (`shownMatches`): not in timestamps,
 * `##[…]` markers or ANSI escape sequences. One regular-expression scan over each chunk of raw text does the work; only
 * lines holding a match and an escape sequence or a carriage return are parsed and searched again, and the annotation
 * lines, whose label the raw text does not hold. `lineCount` limits the search to the lines a caller has rendered.
 */
export function searchLog(model: LogModel, term: string, lineCount = model.lineCount): SearchResult {
  if (!term) return EMPTY_SEARCH;
  const pattern = termPattern(term);
  const linePattern = termPattern(term);
  const found = new GrowableUint32();
  const pushShown = (line: number, content: string) => {
    const count = shownMatches(labelOf(model, line), content, parseAnsi(content), linePattern).length;
    for (let i = count; i > 0; i--) found.push(line);
  };
  // Annotation lines, which show a label the raw text does not hold, are searched whole, in order with the others:
  // `next` walks them once, along with the chunks.
  const annotations = model.annotationLines();
  let next = 0;
  const annotated = () => (next < annotations.length ? annotations[next] : lineCount);
  const searchAnnotationsBefore = (stop: number) => {
    for (; annotated() < stop; next++) pushShown(annotations[next], model.content(annotations[next]));
  };
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
      searchAnnotationsBefore(line);
      const content = model.contentStart(line, lineEnd);
      const text = chunk.slice(content, lineEnd);
      if (model.kind(line) === LineKind.EndGroup || line === annotated()) {
        pattern.lastIndex = lineEnd;
      } else if (text.includes('\x1b') || text.includes('\r')) {
        pushShown(line, text);
        pattern.lastIndex = lineEnd;
      } else if (m.index >= content) {
        found.push(line);
      }
    }
    searchAnnotationsBefore(end);
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
