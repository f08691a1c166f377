import React from 'react';

import type { AnsiStyle, Span } from './ansi';
import { parseAnsi } from './ansi';
import { formatTimestamp } from './format';
import { labelOf } from './lineText';
import type { LogModel } from './parse';
import { LineKind } from './parse';
import { shownMatches } from './search';

const KIND_CLASS: Record<LineKind, string> = {
  [LineKind.Text]: '',
  [LineKind.Group]: ' ghlv-k-group',
  [LineKind.EndGroup]: '',
  [LineKind.Error]: ' ghlv-k-error',
  [LineKind.Warning]: ' ghlv-k-warning',
  [LineKind.Notice]: ' ghlv-k-notice',
  [LineKind.Debug]: ' ghlv-k-debug',
  [LineKind.Command]: ' ghlv-k-command',
  [LineKind.Section]: ' ghlv-k-section',
};

export interface LogRowProps {
  model: LogModel;
  line: number;
  top: number;
  showTimestamp: boolean;
  selected: boolean;
  folded: boolean;
  /** The search term's pattern, and which of this line's matches is the current one (-1: none). */
  pattern?: RegExp;
  currentMatch: number;
  onSelect(line: number): void;
  onToggleGroup(group: number): void;
}

function css(style: AnsiStyle | undefined): React.CSSProperties | undefined {
  if (!style) return undefined;
  const [fg, bg] = style.inverse
    ? [style.bg ?? 'var(--ghlv-bg, #0d1117)', style.fg ?? 'currentColor']
    : [style.fg, style.bg];
  const decoration = [style.underline && 'underline', style.strike && 'line-through'].filter(Boolean).join(' ');
  return {
    color: fg,
    backgroundColor: bg,
    fontWeight: style.bold ? 600 : undefined,
    fontStyle: style.italic ? 'italic' : undefined,
    opacity: style.dim ? 0.7 : undefined,
    textDecoration: decoration || undefined,
  };
}

/** A span of the row's text; the label ("Error: ") has a class of its own. */
type RowSpan = Span & { className?: string };

/** Renders spans, wrapping the parts inside `ranges` in <mark>. */
function withMatches(spans: RowSpan[], ranges: Array<[number, number]>, current: number): React.ReactNode[] {
  const nodes: React.ReactNode[] = [];
  let offset = 0;
  let r = 0;
  spans.forEach((span, s) => {
    const end = offset + span.text.length;
    let at = offset;
    while (at < end) {
      while (r < ranges.length && ranges[r][1] <= at) r++;
      const range = ranges[r];
      const inMatch = range !== undefined && range[0] <= at;
      const stop = Math.min(end, range === undefined ? end : inMatch ? range[1] : range[0]);
      const text = span.text.slice(at - offset, stop - offset);
      const key = `${s}-${at}`;
      const style = css(span.style);
      const own = span.className ? ` ${span.className}` : '';
      if (inMatch) {
        nodes.push(
          <mark key={key} className={(r === current ? 'ghlv-match ghlv-current' : 'ghlv-match') + own} style={style}>
            {text}
          </mark>,
        );
      } else if (style || span.className) {
        nodes.push(
          <span key={key} className={span.className} style={style}>
            {text}
          </span>,
        );
      } else {
        // Plain text needs no element of its own: each element costs a small log's first paint.
        nodes.push(text);
      }
      at = stop;
    }
    offset = end;
  });
  return nodes;
}

function Timestamp({ raw }: { raw: string }) {
  if (!raw) return <span className="ghlv-ts" />;
  return (
    <time className="ghlv-ts" dateTime={raw} title={raw}>
      {formatTimestamp(raw)}
    </time>
  );
}

function LogRowComponent(props: LogRowProps) {
  const { model, line, pattern, currentMatch, folded, onSelect, onToggleGroup } = props;
  const kind = model.kind(line);
  const group = model.group(line);
  const isHeader = kind === LineKind.Group;
  const content = model.content(line);
  const spans: RowSpan[] = parseAnsi(content);
  const shown = spans.map((span) => span.text).join('');
  const label = labelOf(model, line);
  const ranges = pattern ? shownMatches(label, content, spans, pattern) : [];
  const className =
    'ghlv-row' +
    KIND_CLASS[kind] +
    (group >= 0 && !isHeader ? ' ghlv-in-group' : '') +
    (props.selected ? ' ghlv-selected' : '');
  const toggle = () => onToggleGroup(group);
  return (
    <div
      className={className}
      style={{ top: props.top }}
      data-line={line + 1}
      aria-current={props.selected ? 'true' : undefined}
      onClick={isHeader ? toggle : undefined}
    >
      {/* One Tab stop for the whole log: its lines are reached with the arrow keys (see LogViewer). A <span>, not a
          <button>: Chromium lays a button out as a box of its own, and one on every row cost a small log's first paint
          about a tenth. */}
      <span
        role="button"
        tabIndex={-1}
        className="ghlv-ln"
        aria-label={`Line ${line + 1}`}
        onClick={(event) => {
          event.stopPropagation();
          onSelect(line);
        }}
      >
        {line + 1}
      </span>
      {props.showTimestamp && <Timestamp raw={model.timestamp(line)} />}
      <span className="ghlv-text">
        {isHeader && (
          <button
            type="button"
            tabIndex={-1}
            className="ghlv-caret"
            aria-expanded={!folded}
            aria-label={`${folded ? 'Expand' : 'Collapse'} ${shown}`}
            onClick={(event) => {
              event.stopPropagation();
              toggle();
            }}
          />
        )}
        {withMatches(label ? [{ text: label, className: 'ghlv-label' }, ...spans] : spans, ranges, currentMatch)}
      </span>
    </div>
  );
}

export const LogRow = React.memo(LogRowComponent);
