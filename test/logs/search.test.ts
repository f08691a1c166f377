import { LogModel, parseLog } from '../../src/logs/parse';
import { firstMatchFrom, ordinalInLine, searchLog } from '../../src/logs/search';
import { readLogFixture } from './fixtures';

const TS = '2024-01-01T00:00:00.0000000Z ';

describe('searchLog', () => {
  it('finds every match case-insensitively, one entry per match', () => {
    const model = parseLog(`${TS}Error one\n${TS}no\n${TS}error and ERROR\n`);
    expect(Array.from(searchLog(model, 'error').lines)).toEqual([0, 2, 2]);
  });

  it('does not match timestamps, ##[…] markers or escape sequences', () => {
    const model = parseLog(`${TS}at 00:00\n${TS}##[group]Run build\n${TS}\x1b[31mred\x1b[0m 31m\n${TS}##[endgroup]\n`);
    expect(Array.from(searchLog(model, '00:00').lines)).toEqual([0]);
    expect(Array.from(searchLog(model, 'group').lines)).toEqual([]);
    expect(Array.from(searchLog(model, 'Run build').lines)).toEqual([1]);
    expect(Array.from(searchLog(model, '31m').lines)).toEqual([2]);
  });

  it('finds the label a line shows ("Error: "), across into the text after it, in line order', () => {
    const model = parseLog(
      `${TS}##[error]Process completed\n${TS}process error\n${TS}##[warning]\x1b[33mcareful\n${TS}##[notice]Process\n`,
    );
    expect(Array.from(searchLog(model, 'error').lines)).toEqual([0, 1]);
    expect(Array.from(searchLog(model, 'Error: Process').lines)).toEqual([0]);
    expect(Array.from(searchLog(model, 'process').lines)).toEqual([0, 1, 3]);
    expect(Array.from(searchLog(model, 'warning').lines)).toEqual([2]);
    // The colour sequence right after the label comes between them.
    expect(Array.from(searchLog(model, 'warning: careful').lines)).toEqual([]);
  });

  it('finds only what the row shows of a line with a carriage return or colours, and not across them', () => {
    const model = parseLog(`${TS}Downloading 10%\rDownloading 100%\n${TS}\x1b[31mera\x1b[0mse erase\n`);
    expect(Array.from(searchLog(model, '%D').lines)).toEqual([]);
    // The carriage return starts the line again: the row shows "Downloading 100%" only.
    expect(Array.from(searchLog(model, 'Downloading 10%').lines)).toEqual([]);
    expect(Array.from(searchLog(model, '100%').lines)).toEqual([0]);
    expect(Array.from(searchLog(model, 'erase').lines)).toEqual([1]);
  });

  it('treats the term literally', () => {
    const model = parseLog('a.b\naxb\n(x)\n');
    expect(Array.from(searchLog(model, 'a.b').lines)).toEqual([0]);
    expect(Array.from(searchLog(model, '(x)').lines)).toEqual([2]);
  });

  it('searches across appended chunks and only the lines asked for', () => {
    const model = new LogModel();
    model.append('needle 1\nhay\n');
    model.append('needle 2\nneedle 3\n');
    expect(Array.from(searchLog(model, 'needle').lines)).toEqual([0, 2, 3]);
    expect(Array.from(searchLog(model, 'needle', 3).lines)).toEqual([0, 2]);
  });

  it('finds the error of a real log and where to start from a line', () => {
    const model = parseLog(readLogFixture('failed-job.log'));
    const result = searchLog(model, 'post job cleanup');
    expect(result.lines).toHaveLength(2);
    expect(firstMatchFrom(result, result.lines[1])).toBe(1);
    expect(firstMatchFrom(result, model.lineCount)).toBe(0);
    expect(ordinalInLine({ term: 'x', lines: new Uint32Array([1, 4, 4, 4]) }, 3)).toBe(2);
  });
});
