import fc from 'fast-check';

import { parseAnsi, stripAnsi } from '../../src/logs/ansi';
import { LineKind, LogModel, parseLog } from '../../src/logs/parse';
import { visibleLines } from '../../src/logs/rows';
import { labelOf } from '../../src/logs/lineText';
import { searchLog, shownMatches, termPattern } from '../../src/logs/search';

// Hostile and odd log text: GitHub's markers in any order (unterminated and stray groups), ANSI sequences complete
// and cut off, CR/LF mixes, surrogate pairs and lone surrogates, very long lines.
const piece = fc.oneof(
  fc.constantFrom('##[group]', '##[endgroup]', '##[error]', '##[warning]', '##[notice]', '##[debug]', '[command]'),
  fc.constantFrom('\x1b[31m', '\x1b[1;38;5;208m', '\x1b[38;2;1;2;3m', '\x1b[0m', '\x1b[', '\x1b[K', '\x1b'),
  fc.constantFrom('2024-03-14T09:00:10.0007919Z ', '\r', '\n', '\r\n', '\uFEFF', '😀', '\uD800', '${x}'),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const logText = fc.array(piece, { maxLength: 60 }).map((pieces) => pieces.join(''));
// Whole lines, so that markers start lines often: groups open, close and nest in any order.
const logLines = fc
  .array(
    fc.constantFrom(
      ...['##[group]g', '##[endgroup]', '##[error]e', '[command]c', 'text', ''],
      // Lines whose shown text differs from the raw: a progress line, colours, a backspace, a coloured annotation.
      ...['10 %\rtext 100 %', 'e\r', '\x1b[31merr\x1b[0mor e', 'te\bxt', '##[warning]\x1b[33mx:e'],
    ),
    { maxLength: 40 },
  )
  .map((lines) => lines.join('\n'));

/** The lines a reader of the raw text would count: split on LF, a trailing LF ends the last line. */
function expectedLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (!body) return [];
  const lines = body.split('\n').map((line) => line.replace(/\r$/, ''));
  if (body.endsWith('\n')) lines.pop();
  return lines;
}

/** Which group each line is in, from the lines' kinds alone, by GitHub's rules: a group runs from its `##[group]` line
 * to its `##[endgroup]` line, or to the line before the next `##[group]`, or to the end. */
function expectedGroups(kinds: LineKind[]): number[] {
  let group = -1;
  let open = false;
  return kinds.map((kind) => {
    if (kind === LineKind.Group) {
      group++;
      open = true;
      return group;
    }
    const inGroup = open ? group : -1;
    if (kind === LineKind.EndGroup) open = false;
    return inGroup;
  });
}

describe('parseLog on any text', () => {
  it('keeps every line, in order, and never throws', () => {
    fc.assert(
      fc.property(logText, (text) => {
        const model = parseLog(text);
        const lines = expectedLines(text);
        expect(model.lineCount).toBe(lines.length);
        for (let line = 0; line < model.lineCount; line++) expect(model.raw(line)).toBe(lines[line]);
      }),
      { numRuns: 300 },
    );
  });

  it('reads each line of a log as it reads that line alone, and groups the lines by their kinds', () => {
    fc.assert(
      fc.property(fc.oneof(logText, logLines), (text) => {
        const model = parseLog(text);
        const kinds: LineKind[] = [];
        for (let line = 0; line < model.lineCount; line++) {
          // A BOM the parser drops and a line break it does not keep around the line, as it was in the log.
          const alone = parseLog(`\uFEFF${model.raw(line)}\r\n`);
          expect(alone.lineCount).toBe(1);
          kinds.push(model.kind(line));
          expect(model.kind(line)).toBe(alone.kind(0));
          expect(model.timestamp(line)).toBe(alone.timestamp(0));
          expect(model.content(line)).toBe(alone.content(0));
        }
        const groups = expectedGroups(kinds);
        for (let line = 0; line < model.lineCount; line++) expect(model.group(line)).toBe(groups[line]);
        expect(model.firstError).toBe(kinds.indexOf(LineKind.Error));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same lines and groups whatever chunks the text arrives in (live logs)', () => {
    fc.assert(
      fc.property(logText, fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const whole = parseLog(text);
        const live = new LogModel();
        let at = 0;
        for (const cut of [...cuts.map((c) => c % (text.length + 1))].sort((a, b) => a - b)) {
          live.append(text.slice(at, cut));
          at = cut;
        }
        live.append(text.slice(at));
        live.end();
        expect(live.lineCount).toBe(whole.lineCount);
        expect(live.groupCount).toBe(whole.groupCount);
        for (let line = 0; line < whole.lineCount; line++) {
          expect(live.raw(line)).toBe(whole.raw(line));
          expect(live.group(line)).toBe(whole.group(line));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps each group contiguous: a line belongs to the group whose range holds it', () => {
    fc.assert(
      fc.property(logText, (text) => {
        const model = parseLog(text);
        for (let line = 0; line < model.lineCount; line++) {
          const group = model.group(line);
          if (group < 0) continue;
          expect(model.groupStart(group)).toBeLessThanOrEqual(line);
          expect(model.groupEnd(group)).toBeGreaterThanOrEqual(line);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shows every line but ##[endgroup] lines and the bodies of folded groups, whichever groups are folded', () => {
    fc.assert(
      fc.property(logLines, fc.array(fc.boolean(), { maxLength: 12 }), fc.nat(), (text, folds, cut) => {
        const model = parseLog(text);
        const folded = new Uint8Array(model.groupCount).map((_, group) => (folds[group] ? 1 : 0));
        // The first `count` lines only, as while a live log's newest lines are not rendered yet.
        const count = cut % (model.lineCount + 1);
        const expected: number[] = [];
        for (let line = 0; line < count; line++) {
          const group = model.group(line);
          const inFoldedBody = group >= 0 && folded[group] === 1 && line > model.groupStart(group);
          if (model.kind(line) !== LineKind.EndGroup && !inFoldedBody) expected.push(line);
        }
        const rows = visibleLines(model, folded, count);
        expect(Array.from({ length: rows.length }, (_, row) => rows.line(row))).toEqual(expected);
        expected.forEach((line, row) => expect(rows.rowOf(line)).toBe(row));
        const shownAt = new Map(expected.map((line, row) => [line, row]));
        for (let line = 0; line < count; line++) expect(rows.rowShowing(line)).toBe(shownAt.get(line) ?? -1);
      }),
      { numRuns: 300 },
    );
  });

  it('turns any line into styled spans that spell exactly its text without escapes, and searches without throwing', () => {
    fc.assert(
      fc.property(logText, fc.string({ maxLength: 5 }), (text, term) => {
        const model = parseLog(text);
        for (let line = 0; line < model.lineCount; line++) {
          const content = model.content(line);
          expect(
            parseAnsi(content)
              .map((span) => span.text)
              .join(''),
          ).toBe(stripAnsi(content));
        }
        const found = searchLog(model, term);
        expect(found.lines.length).toBeLessThanOrEqual(model.lineCount * Math.max(1, text.length));
      }),
      { numRuns: 200 },
    );
  });

  it('counts on each line exactly the matches its row marks', () => {
    // Terms made of what the pieces hold, so that they often match: in text, labels, markers and escape sequences. No
    // control characters: the search box cannot be typed one, and the rows never show one.
    const term = fc
      .array(fc.constantFrom('e', 'r', 'o', 'E', ':', ' ', '[', ']', '#', 'm', '3', '1', 'x', '0', 'T', 'g'), {
        minLength: 1,
        maxLength: 4,
      })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.oneof(logText, logLines), term, (text, term) => {
        const model = parseLog(text);
        const counted = new Array<number>(model.lineCount).fill(0);
        for (const line of searchLog(model, term).lines) counted[line]++;
        const marked = Array.from({ length: model.lineCount }, (_, line) => {
          const content = model.content(line);
          const shown = shownMatches(labelOf(model, line), content, parseAnsi(content), termPattern(term));
          return model.kind(line) === LineKind.EndGroup ? 0 : shown.length;
        });
        expect(counted).toEqual(marked);
      }),
      { numRuns: 500 },
    );
  });
});
