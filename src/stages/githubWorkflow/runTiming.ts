import { duration } from '@spinnaker/core';

/** How long something ran: until `end`, or until now while it runs. "-" before it starts. */
export function elapsed(start: string | null | undefined, end: string | null | undefined, now = Date.now()): string {
  if (!start) return '-';
  const endMs = end ? Date.parse(end) : now;
  return duration(Math.max(0, endMs - Date.parse(start)));
}

/** "completed, success", "in progress" */
export function statusText(status: string | undefined, conclusion: string | null | undefined): string {
  const words = (value: string) => value.replace(/_/g, ' ');
  if (!status) return 'unknown';
  return conclusion ? `${words(status)}, ${words(conclusion)}` : words(status);
}
