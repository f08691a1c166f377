import { applySgr, color256, parseAnsi, stripAnsi } from '../../src/logs/ansi';
import { ANSI_16 } from '../../src/logs/palette';

describe('parseAnsi', () => {
  it('splits a line into spans styled by SGR sequences and resets on 0', () => {
    expect(parseAnsi('npm \x1b[33mWARN\x1b[39m deprecated \x1b[1mx\x1b[0m')).toEqual([
      { text: 'npm ' },
      { text: 'WARN', style: { fg: ANSI_16[3] } },
      { text: ' deprecated ' },
      { text: 'x', style: { bold: true } },
    ]);
  });

  it('reads the 16 colours, their bright variants and backgrounds', () => {
    expect(applySgr({}, '31;42')).toEqual({ fg: ANSI_16[1], bg: ANSI_16[2] });
    expect(applySgr({}, '94;101')).toEqual({ fg: ANSI_16[12], bg: ANSI_16[9] });
    expect(applySgr({ fg: 'red', bg: 'blue' }, '39;49')).toEqual({});
  });

  it('reads 256-colour and truecolor sequences, with semicolons or colons', () => {
    expect(applySgr({}, '38;5;208')).toEqual({ fg: 'rgb(255,135,0)' });
    expect(applySgr({}, '48;5;244')).toEqual({ bg: 'rgb(128,128,128)' });
    expect(applySgr({}, '38;5;9')).toEqual({ fg: ANSI_16[9] });
    expect(applySgr({}, '38;2;255;105;180;1')).toEqual({ fg: 'rgb(255,105,180)', bold: true });
    expect(applySgr({}, '38:2::10:20:30')).toEqual({ fg: 'rgb(10,20,30)' });
    expect(applySgr({}, '38:2:10:20:30;1')).toEqual({ fg: 'rgb(10,20,30)', bold: true });
    expect(applySgr({}, '48:2:0:10:20:30')).toEqual({ bg: 'rgb(10,20,30)' });
    expect(applySgr({}, '38:5:208;48:5:9')).toEqual({ fg: 'rgb(255,135,0)', bg: ANSI_16[9] });
    expect(color256(16)).toBe('rgb(0,0,0)');
    expect(color256(231)).toBe('rgb(255,255,255)');
  });

  it('sets and clears bold, dim, italic, underline, inverse and strikethrough', () => {
    const on = applySgr({}, '1;2;3;4;7;9');
    expect(on).toEqual({ bold: true, dim: true, italic: true, underline: true, inverse: true, strike: true });
    expect(applySgr(on, '22;23;24;27;29')).toEqual({});
  });

  it('reads curly, dotted and other underline styles (4:1 to 4:5) as underline, and 4:0 as none', () => {
    expect(applySgr({}, '4:3')).toEqual({ underline: true });
    expect(applySgr({ bold: true }, '4:1;31')).toEqual({ bold: true, underline: true, fg: ANSI_16[1] });
    expect(applySgr({ bold: true, underline: true }, '4:0')).toEqual({ bold: true });
  });

  it('skips the underline colour (58), which is not shown, without reading its numbers as styles', () => {
    expect(applySgr({}, '58;2;1;3;4;1')).toEqual({ bold: true });
    expect(applySgr({}, '58;5;2;3')).toEqual({ italic: true });
    expect(applySgr({ fg: 'red' }, '58:2::1:2:3')).toEqual({ fg: 'red' });
  });

  it('treats an empty SGR as a reset', () => {
    expect(parseAnsi('\x1b[31mred\x1b[mplain')).toEqual([
      { text: 'red', style: { fg: ANSI_16[1] } },
      { text: 'plain' },
    ]);
  });

  it('drops other escape sequences: erase line, cursor moves, OSC hyperlinks', () => {
    expect(stripAnsi('done\x1b[K')).toBe('done');
    expect(stripAnsi('\x1b[2K\x1b[1Gprogress\x1b[?25l')).toBe('progress');
    expect(stripAnsi('\x1b]8;;https://example.com\x07link\x1b]8;;\x07')).toBe('link');
    expect(stripAnsi('\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\ text')).toBe('link text');
    expect(stripAnsi('a\bb\x07c\td')).toBe('abc\td');
  });

  it('drops DCS, APC, PM and SOS strings whole, up to ST or BEL', () => {
    expect(stripAnsi('before\x1bP1$r0m\x1b\\after')).toBe('beforeafter');
    expect(stripAnsi('x\x1b_Gf=100;AAAA\x1b\\y')).toBe('xy');
    expect(stripAnsi('x\x1b^private\x07y\x1bXstring\x1b\\z')).toBe('xyz');
  });

  it('ends a span at each control character, so that text does not run together across one', () => {
    expect(parseAnsi('\x1b[1ma\bb\x1b[0m')).toEqual([
      { text: 'a', style: { bold: true } },
      { text: 'b', style: { bold: true } },
    ]);
  });

  it('starts the line again at a carriage return, keeping the colour: a progress line shows its last state', () => {
    expect(parseAnsi('10%\r50%\r100%')).toEqual([{ text: '100%' }]);
    expect(parseAnsi('\x1b[32m[==  ]\r\x1b[1m[====]\x1b[0m done')).toEqual([
      { text: '[====]', style: { fg: ANSI_16[2], bold: true } },
      { text: ' done' },
    ]);
    // Nothing after the last one: the line keeps what it showed.
    expect(stripAnsi('Downloading\r')).toBe('Downloading');
    expect(stripAnsi('a\rb')).toBe('b');
  });

  it('ignores an escape sequence cut off at the end of the line', () => {
    expect(stripAnsi('text\x1b[3')).toBe('text');
    expect(stripAnsi('text\x1b')).toBe('text');
  });
});
