import React from 'react';

export interface LogToolbarProps {
  query: string;
  onQuery(query: string): void;
  /** Number of matches, and the index of the current one (-1 before any). */
  matchCount: number;
  currentMatch: number;
  searching: boolean;
  onNext(): void;
  onPrevious(): void;
  showTimestamps: boolean;
  onToggleTimestamps(): void;
  wrap: boolean;
  onToggleWrap(): void;
  onExpandAll(): void;
  onCollapseAll(): void;
  hasGroups: boolean;
  copyLabel: string;
  onCopy(): void;
  onDownload(): void;
  status: string;
}

function countText({ query, matchCount, currentMatch, searching }: LogToolbarProps): string {
  if (!query) return '';
  if (searching) return 'Searching…';
  if (matchCount === 0) return 'No matches';
  return `${currentMatch + 1} of ${matchCount}`;
}

/** The viewer's search and buttons; the forwarded ref is the search box, which `/` focuses. */
export const LogToolbar = React.forwardRef<HTMLInputElement, LogToolbarProps>(function LogToolbar(props, searchRef) {
  const { query, matchCount } = props;
  // While a term waits for the typing pause, the buttons search for it (see LogViewer).
  const canMove = matchCount > 0 || (props.searching && query !== '');
  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === 'F3') {
      event.preventDefault();
      if (event.shiftKey) props.onPrevious();
      else props.onNext();
    } else if (event.key === 'Escape' && query) {
      event.preventDefault();
      props.onQuery('');
    }
  };
  return (
    <div className="ghlv-toolbar" role="group" aria-label="Log tools">
      <input
        ref={searchRef}
        type="search"
        aria-label="Search log"
        placeholder="Search log (/)"
        value={query}
        onChange={(event) => props.onQuery(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {/* Busy while the typing pause runs: a screen reader waits for the count instead of reading "Searching…" at every
          pause in the typing. */}
      <span className="ghlv-count" aria-live="polite" aria-busy={props.searching && query !== ''}>
        {countText(props)}
      </span>
      <button type="button" aria-label="Previous match" disabled={!canMove} onClick={props.onPrevious}>
        ↑
      </button>
      <button type="button" aria-label="Next match" disabled={!canMove} onClick={props.onNext}>
        ↓
      </button>
      <span className="ghlv-spacer" />
      {props.hasGroups && (
        <>
          <button type="button" onClick={props.onExpandAll}>
            Expand all
          </button>
          <button type="button" onClick={props.onCollapseAll}>
            Collapse all
          </button>
        </>
      )}
      <button type="button" aria-pressed={props.showTimestamps} onClick={props.onToggleTimestamps}>
        Timestamps
      </button>
      <button type="button" aria-pressed={props.wrap} onClick={props.onToggleWrap}>
        Wrap
      </button>
      <button type="button" onClick={props.onCopy}>
        {props.copyLabel}
      </button>
      <button type="button" onClick={props.onDownload}>
        Download
      </button>
      <span className="ghlv-count" role="status">
        {props.status}
      </span>
    </div>
  );
});
