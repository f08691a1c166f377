import { THEME as T } from './palette';

export const ROW_HEIGHT = 20;
/** The toolbar's height on one line: padding, a 24 px button and the border. On two lines the viewer measures it. */
export const TOOLBAR_HEIGHT = 37;

/**
 * The platform's code font: Menlo on macOS and iOS, Consolas on Windows, and elsewhere the generic monospace, which
 * follows the user's own font settings. Only this platform's family is named: each family the browser looks for and
 * does not find costs a small log's first paint about 1 ms in Chromium on Linux, regular and bold alike ("Menlo,
 * Consolas, monospace" there cost about a tenth of the first paint of 10,000 lines; GitHub's seven-family list more).
 */
export function codeFontFamily(userAgent: string): string {
  if (/Mac OS X/.test(userAgent)) return 'Menlo, monospace';
  if (/Windows/.test(userAgent)) return 'Consolas, monospace';
  return 'monospace';
}

// Rollup has no CSS pipeline here, so the viewer's styles are one <style> element added to the page once.
const CSS = `
.ghlv { display: flex; flex-direction: column; background: ${T.background}; color: ${T.text}; border: 1px solid ${T.border};
  border-radius: 6px; font-size: 12px; overflow: hidden; }
.ghlv-toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; box-sizing: border-box;
  min-height: ${TOOLBAR_HEIGHT}px; padding: 6px 8px; background: ${T.toolbar};
  border-bottom: 1px solid ${T.border}; }
.ghlv-toolbar input[type=search] { background: ${T.background}; color: ${T.text}; border: 1px solid ${T.border};
  border-radius: 6px; padding: 3px 8px; min-width: 220px; }
.ghlv-toolbar button, .ghlv-toolbar input { font: inherit; }
.ghlv-toolbar button { background: transparent; color: ${T.text}; border: 1px solid ${T.border}; border-radius: 6px;
  padding: 2px 8px; line-height: 18px; }
.ghlv-toolbar button:hover:not(:disabled) { background: ${T.hover}; }
.ghlv-toolbar button[aria-pressed=true] { background: ${T.selected}; border-color: ${T.notice}; }
.ghlv-toolbar button:disabled { opacity: 0.5; }
.ghlv-count { color: ${T.muted}; min-width: 80px; }
.ghlv-spacer { flex: 1; }
.ghlv-scroller { position: relative; flex: 1; overflow: auto; outline: none;
  font-family: ${codeFontFamily(typeof navigator === 'undefined' ? '' : navigator.userAgent)}; }
.ghlv-scroller:focus-visible { box-shadow: inset 0 0 0 2px ${T.notice}; }
.ghlv-inner { position: relative; min-width: 100%; }
.ghlv-row { position: absolute; left: 0; right: 0; display: flex; align-items: flex-start; height: ${ROW_HEIGHT}px;
  line-height: ${ROW_HEIGHT}px; white-space: pre; }
.ghlv-wrap .ghlv-row { height: auto; white-space: pre-wrap; word-break: break-all; }
/* Wrapped lines keep their width when a log grows past one screen and its scrollbar appears. */
.ghlv-wrap .ghlv-scroller { scrollbar-gutter: stable; }
.ghlv-row:hover { background: ${T.hover}; }
.ghlv-row.ghlv-selected { background: ${T.selected}; }
.ghlv-ln { flex: none; box-sizing: border-box; min-width: var(--ghlv-number-width); text-align: right;
  color: ${T.muted}; padding: 0 12px 0 8px; cursor: pointer; user-select: none; }
.ghlv-ln:hover, .ghlv-selected .ghlv-ln { color: ${T.text}; text-decoration: underline; }
.ghlv-ts { flex: none; min-width: 23ch; color: ${T.muted}; padding-right: 12px; user-select: none; }
.ghlv-text { flex: 1; min-width: 0; }
.ghlv-in-group .ghlv-text { padding-left: 20px; }
.ghlv-caret { background: none; border: 0; color: ${T.muted}; padding: 0 6px 0 0; font: inherit; cursor: pointer; }
/* A triangle drawn with borders, not a ▸ glyph: monospace fonts lack it, and the font fallback costs a small log's
   first paint about 3 ms. */
.ghlv-caret::before { content: ''; display: inline-block; border-style: solid; border-color: transparent;
  border-width: 4px 0 4px 6px; border-left-color: currentColor; vertical-align: 1px; }
.ghlv-caret[aria-expanded=true]::before { transform: rotate(90deg); }
.ghlv-k-group { font-weight: 600; cursor: pointer; }
.ghlv-k-error { background: ${T.errorBackground}; } .ghlv-k-error .ghlv-text { color: ${T.error}; }
.ghlv-k-warning { background: ${T.warningBackground}; } .ghlv-k-warning .ghlv-text { color: ${T.warning}; }
.ghlv-k-notice .ghlv-text { color: ${T.notice}; }
.ghlv-k-debug .ghlv-text { color: ${T.debug}; }
.ghlv-k-command .ghlv-text { color: ${T.command}; }
.ghlv-k-section .ghlv-text { font-weight: 600; }
.ghlv-label { font-weight: 600; }
.ghlv-match { background: ${T.match}; color: inherit; padding: 0; border-radius: 2px; }
.ghlv-match.ghlv-current { background: ${T.currentMatch}; color: ${T.background}; }
.ghlv-empty { padding: 16px; color: ${T.muted}; }
.ghlv-probe { position: absolute; visibility: hidden; white-space: pre; }
.ghlv-announce { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.ghrl { list-style: none; padding: 0; margin: 0; }
.ghrl-job { border: 1px solid #d0d7de; border-radius: 6px; margin-bottom: 6px; }
.ghrl-job-header { display: flex; gap: 8px; width: 100%; align-items: center; padding: 6px 10px; background: none; border: 0;
  text-align: left; font-weight: 600; }
.ghrl-open > .ghrl-job-header { border-bottom: 1px solid #d0d7de; }
.ghrl-job-body { padding: 6px 10px 10px; display: flex; flex-direction: column; gap: 6px; }
.ghrl-steps { list-style: none; padding: 0; margin: 0; columns: 2; }
.ghrl-steps li { display: flex; gap: 8px; break-inside: avoid; }
.ghrl-status { width: 1em; text-align: center; flex: none; }
.ghrl-name { flex: 1; }
.ghrl-duration { color: #6e7781; font-variant-numeric: tabular-nums; }
.ghrl-message { padding: 8px 0; margin: 0; }
.ghrl-error { color: #cf222e; }
.ghrl-note { margin: 0 0 6px; color: #6e7781; font-size: 90%; }
`;

const STYLE_ID = 'github-log-viewer-styles';

export function injectStyles(): void {
  if (typeof document === 'undefined' || document.getElementById(STYLE_ID)) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}
