import { stripAnsi } from './ansi';
import type { LogModel } from './parse';
import { LineKind } from './parse';

/** How GitHub labels annotation lines in place of their `##[…]` marker. */
export const LABELS: Partial<Record<LineKind, string>> = {
  [LineKind.Error]: 'Error: ',
  [LineKind.Warning]: 'Warning: ',
  [LineKind.Notice]: 'Notice: ',
};

/** The label a line shows before its text ("Error: "), or ''. */
export const labelOf = (model: LogModel, line: number): string => LABELS[model.kind(line)] ?? '';

/** A line as the viewer shows it, as plain text. */
export function shownText(model: LogModel, line: number, withTimestamp = false): string {
  const text = labelOf(model, line) + stripAnsi(model.content(line));
  const timestamp = withTimestamp ? model.timestamp(line) : '';
  return timestamp ? `${timestamp} ${text}` : text;
}

/** Every shown line (folded ones included, `##[endgroup]` markers left out), for copying the whole log. */
export function shownLog(model: LogModel, withTimestamps: boolean): string {
  const lines: string[] = [];
  for (let line = 0; line < model.lineCount; line++) {
    if (model.kind(line) !== LineKind.EndGroup) lines.push(shownText(model, line, withTimestamps));
  }
  return lines.join('\n');
}
