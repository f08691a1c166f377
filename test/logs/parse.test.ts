import { shownText } from '../../src/logs/lineText';
import { LineKind, LogModel, parseLog } from '../../src/logs/parse';
import { readLogFixture } from './fixtures';

const fixture = readLogFixture('failed-job.log');

/** Line index (0-based) of the first line whose raw text contains `text`. */
function lineOf(model: LogModel, text: string): number {
  for (let line = 0; line < model.lineCount; line++) if (model.raw(line).includes(text)) return line;
  throw new Error(`no line contains ${text}`);
}

describe('parseLog', () => {
  const model = parseLog(fixture);

  it('splits a GitHub job log into lines, dropping the BOM and keeping each timestamp', () => {
    expect(model.lineCount).toBe(116);
    expect(model.timestamp(0)).toBe('2024-03-14T09:00:10.0007919Z');
    expect(model.content(0)).toBe("Current runner version: '2.314.1'");
    expect(model.raw(0).charCodeAt(0)).not.toBe(0xfeff);
  });

  it('folds ##[group] to ##[endgroup], the group header line included', () => {
    const header = lineOf(model, '##[group]Run actions/checkout@v4');
    const group = model.group(header);
    expect(model.kind(header)).toBe(LineKind.Group);
    expect(model.content(header)).toBe('Run actions/checkout@v4');
    expect(model.groupStart(group)).toBe(header);
    expect(model.kind(model.groupEnd(group))).toBe(LineKind.EndGroup);
    expect(model.group(lineOf(model, 'repository: octo-org/web-app'))).toBe(group);
    expect(model.group(lineOf(model, 'Syncing repository'))).toBe(-1);
    expect(model.groupCount).toBe(12);
  });

  it('classifies workflow command lines and removes their prefix from the content', () => {
    const error = lineOf(model, '##[error]');
    expect(model.kind(error)).toBe(LineKind.Error);
    expect(model.firstError).toBe(error);
    expect(shownText(model, error)).toBe('Error: Process completed with exit code 1.');
    expect(model.kind(lineOf(model, '##[warning]'))).toBe(LineKind.Warning);
    expect(shownText(model, lineOf(model, '##[notice]'))).toBe('Notice: Cache was not saved because the job failed.');
    expect(model.content(lineOf(model, '##[debug]'))).toBe('Finishing: test (20.x)');
    const command = lineOf(model, '[command]/usr/bin/git version');
    expect(model.kind(command)).toBe(LineKind.Command);
    expect(model.content(command)).toBe('/usr/bin/git version');
  });

  it('keeps ANSI escapes in the content and strips them from the shown text', () => {
    const line = lineOf(model, 'AssertionError');
    expect(model.content(line)).toContain('\x1b[31m');
    expect(shownText(model, line)).toBe('AssertionError: expected 90 to be 81 // Object.is equality');
    expect(shownText(model, lineOf(model, 'coverage'))).toBe('coverage report written');
  });

  it('includes the timestamp in the shown text only when asked', () => {
    expect(shownText(model, 1, true)).toBe('2024-03-14T09:00:10.0015838Z Operating System');
  });

  it('reads CRLF line endings like LF ones', () => {
    const crlf = parseLog(fixture.replace(/\n/g, '\r\n'));
    expect(crlf.lineCount).toBe(model.lineCount);
    for (let line = 0; line < model.lineCount; line++) expect(crlf.raw(line)).toBe(model.raw(line));
    expect(crlf.firstError).toBe(model.firstError);
  });

  it('runs an unterminated group to the end of the log', () => {
    const log = parseLog('##[group]Run make\nmake: *** [all] Error 2\n##[error]Process completed with exit code 2.');
    expect(log.groupCount).toBe(1);
    expect(log.groupEnd(0)).toBe(2);
    expect(log.group(2)).toBe(0);
    expect(log.firstError).toBe(2);
  });

  it('closes the open group when another starts, as GitHub does not nest them', () => {
    const log = parseLog('##[group]One\na\n##[group]Two\nb\n##[endgroup]\nc\n');
    expect([log.groupStart(0), log.groupEnd(0)]).toEqual([0, 1]);
    expect([log.groupStart(1), log.groupEnd(1)]).toEqual([2, 4]);
    expect(log.group(5)).toBe(-1);
  });

  it('reads a line of 100 kB', () => {
    const long = 'x'.repeat(100_000);
    const log = parseLog(`2024-01-01T00:00:00.0000000Z before\n2024-01-01T00:00:00.0000000Z ${long}\nafter`);
    expect(log.lineCount).toBe(3);
    expect(log.content(1)).toBe(long);
    expect(log.maxLength).toBe(100_029);
    expect(log.content(2)).toBe('after');
  });

  it('accepts lines without a timestamp and a timestamp without text', () => {
    const log = parseLog('plain line\n2024-01-01T00:00:00.0000000Z\n2024-01-01T00:00:00Z short form\n');
    expect([log.timestamp(0), log.content(0)]).toEqual(['', 'plain line']);
    expect([log.timestamp(1), log.content(1)]).toEqual(['2024-01-01T00:00:00.0000000Z', '']);
    expect([log.timestamp(2), log.content(2)]).toEqual(['2024-01-01T00:00:00Z', 'short form']);
  });

  it('keeps every line of one chunk of many short lines, where it has to make room while reading', () => {
    const lines = Array.from({ length: 5000 }, (_, line) => (line % 7 ? String(line) : ''));
    const log = parseLog(`${lines.join('\n')}\n`);
    expect(log.lineCount).toBe(5000);
    expect([log.content(1), log.content(7), log.content(4998), log.content(4999)]).toEqual(['1', '', '', '4999']);
  });

  it('keeps every line when long lines come first and many short ones after them', () => {
    // The room reserved after the first lines is estimated from their length: far too little here.
    const long = Array.from({ length: 5000 }, (_, line) => `${line} ${'x'.repeat(300)}`);
    const short = Array.from({ length: 200_000 }, (_, line) => String(5000 + line));
    const log = parseLog(`${[...long, ...short].join('\n')}\n`);
    expect(log.lineCount).toBe(205_000);
    expect([log.content(4999).slice(0, 5), log.content(5000), log.content(204_999)]).toEqual([
      '4999 ',
      '5000',
      '204999',
    ]);
  });
});

describe('LogModel.append', () => {
  it('gives the same lines however the text is cut into chunks', () => {
    const whole = parseLog(fixture);
    const model = new LogModel();
    for (let at = 0; at < fixture.length; at += 97) model.append(fixture.slice(at, at + 97));
    model.end();
    expect(model.lineCount).toBe(whole.lineCount);
    for (let line = 0; line < whole.lineCount; line++) {
      expect([model.raw(line), model.kind(line), model.group(line)]).toEqual([
        whole.raw(line),
        whole.kind(line),
        whole.group(line),
      ]);
    }
    expect(model.text()).toBe(fixture.slice(1));
  });

  it('holds back a line until its newline arrives, and extends the open group', () => {
    const model = new LogModel();
    model.append('##[group]Run tests\nfirst\nsec');
    expect(model.lineCount).toBe(2);
    expect(model.groupEnd(0)).toBe(1);
    model.append('ond\n');
    expect(model.lineCount).toBe(3);
    expect(model.content(2)).toBe('second');
    expect(model.groupEnd(0)).toBe(2);
    model.append('third');
    model.end();
    expect(model.content(3)).toBe('third');
    expect(model.complete).toBe(true);
  });

  it('does not split a CRLF that arrives in two chunks into an extra line', () => {
    const model = new LogModel();
    model.append('a\r');
    model.append('\nb\r\n');
    model.end();
    expect([model.lineCount, model.raw(0), model.raw(1)]).toEqual([2, 'a', 'b']);
  });
});
