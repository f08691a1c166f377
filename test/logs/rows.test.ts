import { LogBackoff } from '../../src/logs/backoff';
import { FIRST_RANGE, NEXT_RANGE, OVERLAP_LIMIT, RangedLog } from '../../src/logs/rangedLog';
import { fixedLayout, measuredLayout, MAX_SCROLL_HEIGHT, scrollMap } from '../../src/logs/layout';
import { LogModel, parseLog } from '../../src/logs/parse';
import type { Rows } from '../../src/logs/rows';
import { foldedGroups, visibleLines } from '../../src/logs/rows';

/** The line of each row, in order; reading one row at a time gives the same lines. */
function shown(rows: Rows): number[] {
  const lines: number[] = [];
  rows.forEach((line, row) => {
    expect(rows.line(row)).toBe(line);
    lines.push(line);
  });
  expect(lines).toHaveLength(rows.length);
  return lines;
}

const LOG = '##[group]One\na\n##[endgroup]\nb\n##[group]Two\n##[error]boom\n##[endgroup]\n##[group]Three\nc\n';

describe('foldedGroups and visibleLines', () => {
  it('folds every group but the one holding the first error, and hides ##[endgroup] lines', () => {
    const model = parseLog(LOG);
    const folded = foldedGroups(model, new Map());
    expect(Array.from(folded)).toEqual([1, 0, 1]);
    expect(shown(visibleLines(model, folded))).toEqual([0, 3, 4, 5, 7]);
  });

  it('lets the user open and fold groups', () => {
    const model = parseLog(LOG);
    const folded = foldedGroups(
      model,
      new Map([
        [0, false],
        [1, true],
      ]),
    );
    expect(shown(visibleLines(model, folded))).toEqual([0, 1, 3, 4, 7]);
  });

  it('keeps open the unterminated group a live log is still writing', () => {
    const model = new LogModel();
    model.append('##[group]Run deploy\nstep 1\n');
    expect(Array.from(foldedGroups(model, new Map()))).toEqual([0]);
    model.end();
    expect(Array.from(foldedGroups(model, new Map()))).toEqual([1]);
  });

  it('finds the row of a line, or of the closest shown line before it', () => {
    const model = parseLog(LOG);
    const rows = visibleLines(model, foldedGroups(model, new Map()));
    // Rows show lines 0, 3, 4, 5 and 7: line 1 is in the folded group, 6 is an ##[endgroup].
    expect([1, 4, 6, 7, 100].map((line) => rows.rowOf(line))).toEqual([0, 2, 3, 4, 4]);
    expect(rows.length).toBe(5);
  });
});

describe('layouts', () => {
  it('places fixed and measured rows', () => {
    const fixed = fixedLayout(10, 20);
    expect([fixed.total, fixed.top(3), fixed.rowAt(59), fixed.rowAt(1e9)]).toEqual([200, 60, 2, 9]);
    const measured = measuredLayout(new Float64Array([20, 60, 20]));
    expect([measured.total, measured.top(2), measured.rowAt(79), measured.rowAt(80)]).toEqual([100, 80, 1, 2]);
  });

  it('scales scroll positions past the height browsers allow', () => {
    expect(scrollMap(1000, 100).toContent(500)).toBe(500);
    const map = scrollMap(20_000_000, 600);
    expect(map.scrollHeight).toBe(MAX_SCROLL_HEIGHT);
    expect(map.toContent(MAX_SCROLL_HEIGHT - 600)).toBeCloseTo(20_000_000 - 600);
    expect(map.toScroll(map.toContent(12345))).toBeCloseTo(12345);
  });
});

describe('LogBackoff', () => {
  it('waits longer after each poll that brought nothing new, and starts over when the log grows', () => {
    const backoff = new LogBackoff({ jobsMs: 0, logMinMs: 2_000, logMaxMs: 30_000 });
    expect(backoff.next({ data: { size: 1 }, dataUpdatedAt: 1, errorUpdatedAt: 0 })).toBe(2_000);
    expect(backoff.next({ data: { size: 1 }, dataUpdatedAt: 1, errorUpdatedAt: 0 })).toBe(2_000);
    const waits = [2, 3, 4, 5, 6].map((at) =>
      backoff.next({ data: { size: 1 }, dataUpdatedAt: at, errorUpdatedAt: 0 }),
    );
    expect(waits).toEqual([4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(backoff.next({ data: { size: 1 }, dataUpdatedAt: 6, errorUpdatedAt: 7 })).toBe(30_000);
    expect(backoff.next({ data: { size: 2 }, dataUpdatedAt: 8, errorUpdatedAt: 7 })).toBe(2_000);
  });
});

describe('RangedLog', () => {
  it('appends each range to one model, parsing only what it adds, and ends it once the complete log is read', () => {
    const log = new RangedLog();
    const first = log.add({ start: 0, end: 4, size: 9, complete: true, text: 'a\nb\n' });
    const second = log.add({ start: 4, end: 9, size: 9, complete: true, text: 'c\nd é' });

    expect(first).toMatchObject({ offset: 4, size: 9, complete: false, lineCount: 2 });
    expect(second.model).toBe(first.model);
    expect(second).toMatchObject({ offset: 9, complete: true, lineCount: 4 });
    expect(() => log.add({ start: 2, end: 9, size: 9, complete: true, text: '' })).toThrow(/does not follow/);
  });

  it('reads a completed log range after range, without asking for any byte twice', () => {
    const log = new RangedLog();
    expect(log.nextRange()).toEqual({ start: 0, length: FIRST_RANGE });
    log.add({ start: 0, end: 4, size: 9, complete: true, text: 'a\nb\n' });
    expect(log.nextRange()).toEqual({ start: 4, length: NEXT_RANGE });
  });

  const bytes = (text: string) => new TextEncoder().encode(text).length;
  const long = '😀'.repeat(OVERLAP_LIMIT) + 'x';
  it.each([
    ['its last line', 'a\nbb\n', 'bb\n'],
    ['the last whole line and the part of a line after it', 'a\nbb\ncc', 'bb\ncc'],
    ['a last line of multi-byte characters', '\ufeffé\nü€\n', 'ü€\n'],
    ['the first line, with its byte-order mark', '\ufeffé\n', '\ufeffé\n'],
    // From a character's start: the 1024th character from the end is the second half of an emoji.
    ['the end of a long last line only', `a\n${long}`, long.slice(-OVERLAP_LIMIT + 1)],
    // U+FFFD stands for bytes that are not UTF-8, how many the client cannot tell.
    ['the text after bytes that are not UTF-8', 'a\nb\ufffdcd', 'cd'],
  ])('asks for %s again while the job runs', (_what, text, again) => {
    const log = new RangedLog();
    log.add({ start: 0, end: bytes(text), size: bytes(text), complete: false, text });
    expect(log.nextRange()).toEqual({ start: bytes(text) - bytes(again), length: NEXT_RANGE });
  });

  it('reads no further at once after a replica behind says nothing follows yet, until the next poll', () => {
    const log = new RangedLog();
    // The first range of a longer running log, from one replica: the rest is read at once, range after range.
    expect(log.add({ start: 0, end: 5, size: 900, complete: false, text: 'a\nbb\n' })).toMatchObject({ size: 900 });
    const start = log.nextRange().start;
    // The next range reaches a replica whose copy ends within the line asked for again.
    const snapshot = log.add({ start, end: 4, size: 4, complete: false, text: 'bb' });
    // Read at once again, it would reach that replica again and again until its copy is read from GitHub anew.
    expect(snapshot.offset).toBeGreaterThanOrEqual(snapshot.size);
  });

  it('adds the text after the part read again when it is the same, and says when it is not', () => {
    const log = new RangedLog();
    log.add({ start: 0, end: 5, size: 5, complete: false, text: 'a\nbb\n' });
    const start = log.nextRange().start;
    expect(log.follows({ start, end: 8, size: 8, complete: false, text: 'bX\nc\n' })).toBe(false);
    // The same bytes up to where it had read, but the whole log ends there: a shorter log.
    expect(log.follows({ start, end: 4, size: 4, complete: true, text: 'bb' })).toBe(false);
    // The same while the job runs: a replica's copy that is behind, from which nothing follows yet.
    const behind = { start, end: 4, size: 4, complete: false, text: 'bb' };
    expect(log.follows(behind)).toBe(true);
    expect(log.add(behind)).toMatchObject({ offset: 5, size: 5, lineCount: 2 });
    expect(log.nextRange().start).toBe(start);
    const same = { start, end: 7, size: 7, complete: true, text: 'bb\nc\n' };
    expect(log.follows(same)).toBe(true);
    expect(log.add(same)).toMatchObject({ offset: 7, complete: true, lineCount: 3 });
    expect(log.model.text()).toBe('a\nbb\nc\n');
  });
});
