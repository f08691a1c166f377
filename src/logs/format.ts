import type { JobDto } from '../api/types';

/** `1h 2m`, `3m 4s`, `5s`; empty when it has not started. `now` stands in for the end of what still runs. */
export function formatDuration(startedAt: string | null, completedAt: string | null, now: number): string {
  if (!startedAt) return '';
  const end = completedAt ? Date.parse(completedAt) : now;
  const seconds = Math.max(0, Math.round((end - Date.parse(startedAt)) / 1000));
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

export interface StatusLook {
  icon: string;
  /** Words for screen readers and tooltips. */
  label: string;
  color: string;
}

const CONCLUSIONS: Record<string, StatusLook> = {
  success: { icon: '✓', label: 'succeeded', color: '#1a7f37' },
  failure: { icon: '✗', label: 'failed', color: '#cf222e' },
  timed_out: { icon: '✗', label: 'timed out', color: '#cf222e' },
  startup_failure: { icon: '✗', label: 'failed to start', color: '#cf222e' },
  cancelled: { icon: '⊘', label: 'cancelled', color: '#6e7781' },
  skipped: { icon: '↷', label: 'skipped', color: '#6e7781' },
  neutral: { icon: '○', label: 'neutral', color: '#6e7781' },
  action_required: { icon: '!', label: 'action required', color: '#9a6700' },
};

/** How a job's or step's status is shown, GitHub's way. */
export function statusLook({ status, conclusion }: { status: string; conclusion: string | null }): StatusLook {
  if (status === 'completed')
    return CONCLUSIONS[conclusion ?? ''] ?? { icon: '○', label: conclusion ?? 'completed', color: '#6e7781' };
  if (status === 'in_progress') return { icon: '●', label: 'in progress', color: '#9a6700' };
  return { icon: '○', label: status.replace(/_/g, ' '), color: '#6e7781' };
}

export const isFailed = (job: { conclusion: string | null }) =>
  job.conclusion === 'failure' || job.conclusion === 'timed_out' || job.conclusion === 'startup_failure';

/**
 * A job that completed without a runner running it: skipped, or cancelled before any step started. GitHub has no log
 * of it and answers 404 when asked for one.
 */
export const neverRan = (job: JobDto) =>
  job.status === 'completed' &&
  (job.conclusion === 'skipped' || (job.conclusion === 'cancelled' && !job.steps.some((step) => step.startedAt)));

const timestampFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A log line's timestamp (`2026-12-05T07:56:55.1234567Z`) as `Dec 5, 2026, 08:56:55` in the viewer's time zone (or
 * `timeZone`), as github.com shows it; the raw value when it does not parse.
 */
export function formatTimestamp(raw: string, timeZone?: string): string {
  const time = Date.parse(raw);
  if (Number.isNaN(time)) return raw;
  const key = timeZone ?? '';
  let format = timestampFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZone,
    });
    timestampFormats.set(key, format);
  }
  return format.format(time);
}
