import React, { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

import type { JobDto } from '../api/types';
import type { PollOptions } from './backoff';
import { JobLog } from './JobLog';
import { THEME as T } from './palette';

const HEADER_HEIGHT = 44;

// Deck's layers (@spinnaker/styleguide layers.css): its side navigation is --layer-high (9000), its modals
// --layer-critical (10000). The log goes between them; Bootstrap's 1040 left it under Deck's navigation.
const CSS = `
.ghfw { position: fixed; inset: 0; z-index: calc(var(--layer-critical, 10000) - 1); display: flex; flex-direction: column; background: ${T.background};
  color: ${T.text}; }
.ghfw-header { flex: none; height: ${HEADER_HEIGHT}px; display: flex; gap: 12px; align-items: center; padding: 0 12px;
  background: ${T.toolbar}; border-bottom: 1px solid ${T.border}; }
.ghfw-header h4 { margin: 0; font-size: 14px; font-weight: 600; color: ${T.text}; }
.ghfw-header .ghfw-where { flex: 1; color: ${T.muted}; }
.ghfw-header button { background: transparent; color: ${T.text}; border: 1px solid ${T.border}; border-radius: 6px;
  padding: 2px 10px; }
/* The log takes what the message above it (a part that could not be read) leaves. */
.ghfw-body { flex: 1; min-height: 0; padding: 8px; display: flex; flex-direction: column; }
.ghfw-body > .ghlv { flex: 1 1 auto; min-height: 0; }
.ghfw-open { align-self: flex-start; }
`;

const STYLE_ID = 'github-full-width-log-styles';

function injectFullWidthStyles(): void {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

export interface FullWidthLogProps {
  owner: string;
  repo: string;
  job: JobDto;
  poll: Required<PollOptions>;
}

/**
 * The job's log over the whole window, for lines too long for the execution details pane. It reads the same query as
 * the log in the pane, so search, folding and the live tail work as there. Escape or Close returns to the pane.
 */
export function FullWidthLog({ owner, repo, job, poll, onClose }: FullWidthLogProps & { onClose(): void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    injectFullWidthStyles();
    closeRef.current?.focus();
    // The page under the log would otherwise scroll with the wheel at either end of the log.
    const overflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.body.style.overflow = overflow;
    };
  }, []);
  // Escape is the log's own first (it clears a selection or a search); what it leaves closes the view.
  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' && !event.isDefaultPrevented()) onClose();
    if (event.key === 'Tab') keepFocusIn(event);
  };
  return createPortal(
    <div
      className="ghfw"
      role="dialog"
      aria-modal="true"
      aria-label={`Log of ${job.name}, full width`}
      onKeyDown={onKeyDown}
    >
      <div className="ghfw-header">
        <h4>{job.name}</h4>
        <span className="ghfw-where">
          {owner}/{repo}
        </span>
        <button ref={closeRef} type="button" onClick={onClose}>
          Close full width
        </button>
      </div>
      <div className="ghfw-body">
        <JobLog owner={owner} repo={repo} job={job} poll={poll} height={`calc(100vh - ${HEADER_HEIGHT + 16}px)`} />
      </div>
    </div>,
    document.body,
  );
}

const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), a[href], [tabindex]:not([tabindex="-1"])';

/**
 * Tab from the dialog's last control goes to its first, Shift+Tab from its first to its last: the page under a modal
 * dialog is out of reach. Written here rather than taken from focus-trap: the dialog's controls are known and few.
 */
function keepFocusIn(event: React.KeyboardEvent<HTMLDivElement>): void {
  const controls = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const [first, last] = [controls[0], controls[controls.length - 1]];
  const leaving = event.shiftKey ? document.activeElement === first : document.activeElement === last;
  if (!first || !last || !leaving) return;
  event.preventDefault();
  (event.shiftKey ? last : first).focus();
}

/** "Full width" beside a job's log in the execution details: opens FullWidthLog, and gives the focus back on close. */
export function FullWidthLogButton(props: FullWidthLogProps) {
  const [open, setOpen] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);
  useEffect(injectFullWidthStyles, []);
  const close = () => {
    setOpen(false);
    openerRef.current?.focus();
  };
  return (
    <>
      <button
        ref={openerRef}
        type="button"
        className="btn btn-default btn-xs ghfw-open"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        Full width
      </button>
      {open && <FullWidthLog {...props} onClose={close} />}
    </>
  );
}
