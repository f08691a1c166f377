/**
 * The ANSI colours of GitHub's dark log view (Primer's dark theme `ansi` tokens): black, red, green, yellow, blue,
 * magenta, cyan, white, then their bright variants.
 */
export const ANSI_16: readonly string[] = [
  '#484f58',
  '#ff7b72',
  '#3fb950',
  '#d29922',
  '#58a6ff',
  '#bc8cff',
  '#39c5cf',
  '#b1bac4',
  '#6e7681',
  '#ffa198',
  '#56d364',
  '#e3b341',
  '#79c0ff',
  '#d2a8ff',
  '#56d4dd',
  '#ffffff',
];

export const THEME = {
  background: '#0d1117',
  toolbar: '#161b22',
  border: '#30363d',
  text: '#e6edf3',
  muted: '#7d8590',
  selected: 'rgba(56, 139, 253, 0.15)',
  hover: 'rgba(110, 118, 129, 0.1)',
  match: 'rgba(187, 128, 9, 0.4)',
  currentMatch: '#d29922',
  error: '#f85149',
  errorBackground: 'rgba(248, 81, 73, 0.1)',
  warning: '#d29922',
  warningBackground: 'rgba(187, 128, 9, 0.15)',
  notice: '#58a6ff',
  debug: '#bc8cff',
  command: '#79c0ff',
};
