import { ANSI_16 } from './palette';

export interface AnsiStyle {
  /** CSS colours. */
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
  inverse?: boolean;
}

export interface Span {
  text: string;
  style?: AnsiStyle;
}

const ESC = '\x1b';
const CUBE = [0, 95, 135, 175, 215, 255];

/** xterm's 256-colour palette: the 16 named colours, a 6×6×6 cube, then 24 greys. */
export function color256(n: number): string | undefined {
  if (!(n >= 0 && n <= 255)) return undefined;
  if (n < 16) return ANSI_16[n];
  if (n >= 232) {
    const grey = 8 + (n - 232) * 10;
    return `rgb(${grey},${grey},${grey})`;
  }
  const index = n - 16;
  return `rgb(${CUBE[Math.floor(index / 36)]},${CUBE[Math.floor(index / 6) % 6]},${CUBE[index % 6]})`;
}

function rgb([r, g, b]: number[]): string | undefined {
  return [r, g, b].every((c) => c >= 0 && c <= 255) ? `rgb(${r},${g},${b})` : undefined;
}

/** Reads an extended colour (`5;n` or `2;r;g;b`) starting at `codes[i]`; returns it and the index of its last code. */
function extendedColor(codes: number[], i: number): [string | undefined, number] {
  if (codes[i] === 5) return [color256(codes[i + 1]), i + 1];
  if (codes[i] === 2) return [rgb(codes.slice(i + 1, i + 4)), i + 3];
  return [undefined, i];
}

/**
 * An extended colour written as sub-parameters (ITU T.416): `5:n`, `2:r:g:b`, or `2:id:r:g:b` with a colour space id
 * (often empty).
 */
function subParameterColor(sub: number[]): string | undefined {
  if (sub[0] === 5) return color256(sub[1]);
  if (sub[0] === 2) return rgb(sub.length === 4 ? sub.slice(1) : sub.slice(2, 5));
  return undefined;
}

/**
 * Applies one `:`-joined parameter: `4:n` (an underline style: 0 none, 1 to 5 single, double, curly, dotted or dashed)
 * or a colour, `38:…` and `48:…`. Others, such as the underline colour `58:…`, change nothing.
 */
function applySubParameters(style: AnsiStyle, group: string): AnsiStyle {
  const [code, ...sub] = group.split(':').map(Number);
  if (code === 4 && sub[0] === 0) return { ...style, underline: undefined };
  if (code === 4 && sub[0] >= 1 && sub[0] <= 5) return { ...style, underline: true };
  if (code === 38 || code === 48) {
    const color = subParameterColor(sub);
    if (color) return { ...style, [code === 38 ? 'fg' : 'bg']: color };
  }
  return style;
}

/** Applies one SGR sequence's parameters (`1;31`, `4:3`) to a style, returning the new style. */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  // Parameters are separated by `;`; an empty one is 0. A `:`-joined group is one parameter with its sub-parameters.
  const groups = params.split(';');
  const codes = groups.map(Number);
  let next: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (groups[i].includes(':')) next = applySubParameters(next, groups[i]);
    else if (code === 0 || Number.isNaN(code)) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 7) next.inverse = true;
    else if (code === 9) next.strike = true;
    else if (code === 21 || code === 22) next.bold = next.dim = undefined;
    else if (code === 23) next.italic = undefined;
    else if (code === 24) next.underline = undefined;
    else if (code === 27) next.inverse = undefined;
    else if (code === 29) next.strike = undefined;
    else if (code >= 30 && code <= 37) next.fg = ANSI_16[code - 30];
    else if (code >= 90 && code <= 97) next.fg = ANSI_16[code - 90 + 8];
    else if (code >= 40 && code <= 47) next.bg = ANSI_16[code - 40];
    else if (code >= 100 && code <= 107) next.bg = ANSI_16[code - 100 + 8];
    else if (code === 39) next.fg = undefined;
    else if (code === 49) next.bg = undefined;
    else if (code === 38 || code === 48 || code === 58) {
      // 58 is the underline colour, which is not shown: its colour is read only to skip it.
      const [color, last] = extendedColor(codes, i + 1);
      if (color && code !== 58) next[code === 38 ? 'fg' : 'bg'] = color;
      i = last;
    }
  }
  return next;
}

const isEmpty = (style: AnsiStyle) => Object.values(style).every((value) => value === undefined);

/** Index just past the escape sequence starting at `esc` (CSI, a control string, or a two- or three-character escape). */
function sequenceEnd(text: string, esc: number): [end: number, sgr: string | undefined] {
  const kind = text.charCodeAt(esc + 1);
  if (kind === 91 /* [ */) {
    let q = esc + 2;
    while (q < text.length) {
      const c = text.charCodeAt(q);
      if (c >= 0x40 && c <= 0x7e) return [q + 1, c === 109 /* m */ ? text.slice(esc + 2, q) : undefined];
      if (c < 0x20 || c > 0x3f) return [q, undefined];
      q++;
    }
    return [q, undefined];
  }
  // OSC (`]`, hyperlinks and titles), and DCS (`P`), SOS (`X`), PM (`^`) and APC (`_`, terminal graphics), run to ST
  // (ESC \\); xterm also ends them at BEL.
  if (kind === 93 || kind === 80 || kind === 88 || kind === 94 || kind === 95) {
    const bel = text.indexOf('\x07', esc);
    const st = text.indexOf(`${ESC}\\`, esc);
    const ends = [bel < 0 ? Infinity : bel + 1, st < 0 ? Infinity : st + 2];
    const end = Math.min(...ends);
    return [end === Infinity ? text.length : end, undefined];
  }
  if (kind === 40 || kind === 41) return [Math.min(esc + 3, text.length), undefined];
  return [Math.min(esc + 2, text.length), undefined];
}

const isControl = (c: number) => (c < 0x20 && c !== 9) || c === 0x7f;

/** Drops control characters other than tab (backspace, bell…), which have no width. */
function withoutControls(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (isControl(text.charCodeAt(i))) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Whether the line starts with an escape sequence or a control character: no text runs into it from before. */
export const startsWithControl = (text: string) => text.length > 0 && isControl(text.charCodeAt(0));

/**
 * Splits one line into styled spans. SGR sequences set the style; every other escape sequence is dropped. Spans end at
 * each escape sequence and control character, which a search match does not cross (see `shownMatches`). A carriage
 * return starts the line again, as in a terminal: the text after it replaces the text before, so a progress line shows
 * its last state (a shorter last state replaces all of the line, where a terminal would leave the rest in view).
 */
export function parseAnsi(text: string): Span[] {
  const result: Span[] = [];
  let style: AnsiStyle = {};
  let restart = false;
  const addText = (from: number, to: number) => {
    let start = from;
    for (let i = from; i <= to; i++) {
      const c = i < to ? text.charCodeAt(i) : -1;
      if (c >= 0 && !isControl(c)) continue;
      if (i > start) {
        if (restart) result.length = 0;
        restart = false;
        const piece = text.slice(start, i);
        result.push(isEmpty(style) ? { text: piece } : { text: piece, style });
      }
      if (c === 13) restart = true;
      start = i + 1;
    }
  };
  let from = 0;
  for (let esc = text.indexOf(ESC); esc >= 0; esc = text.indexOf(ESC, from)) {
    addText(from, esc);
    const [end, sgr] = sequenceEnd(text, esc);
    if (sgr !== undefined) style = applySgr(style, sgr);
    from = end;
  }
  addText(from, text.length);
  return result;
}

/** The line as it is shown: escape sequences and control characters removed, from its last carriage return on. */
export function stripAnsi(text: string): string {
  if (!text.includes(ESC) && !text.includes('\r')) return withoutControls(text);
  return parseAnsi(text)
    .map((s) => s.text)
    .join('');
}
