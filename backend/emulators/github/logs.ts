import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Job } from './types.js';

export const LOG_HOST = 'https://pipelines.actions.githubusercontent.com';
/** "This link expires after 1 minute" (https://docs.github.com/rest/actions/workflow-jobs#download-job-logs-for-a-workflow-run). */
export const LOG_URL_TTL_MS = 60_000;

/** `2024-01-01T00:00:00.0000000Z`: the 7-digit fraction of Actions log lines and of `urlExpires`. */
export function actionsTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

function stepOutput(step: string, repo: string, failed: boolean): string[] {
  if (step === 'Set up job') {
    return [
      "Current runner version: '2.321.0'",
      '##[group]Operating System',
      'Ubuntu',
      '24.04.1',
      'LTS',
      '##[endgroup]',
      '##[group]Runner Image',
      'Image: ubuntu-24.04',
      'Version: 20241215.1.0',
      '##[endgroup]',
      'Prepare workflow directory',
      'Prepare all required actions',
      "Download action repository 'actions/checkout@v4' (SHA:11bd71901bbe5b1630ceea73d27597364c9af683)",
    ];
  }
  if (step === 'Complete job') return ['Cleaning up orphan processes'];
  const uses = /^Run (\S+@\S+)$/.exec(step)?.[1];
  if (uses) {
    return [
      `##[group]Run ${uses}`,
      'with:',
      `  repository: ${repo}`,
      '  fetch-depth: 1',
      '##[endgroup]',
      `Syncing repository: ${repo}`,
    ];
  }
  const command = step.replace(/^Run /, '');
  const lines = [`##[group]Run ${command}`, command, 'shell: /usr/bin/bash -e {0}', '##[endgroup]'];
  if (!failed) return [...lines, `> ${command}`, 'Done.'];
  return [
    ...lines,
    `> ${command}`,
    'Error: connect ECONNREFUSED 10.0.0.12:443',
    '##[error]Process completed with exit code 1.',
  ];
}

/**
 * A job's log as the log host serves it: UTF-8 with a byte order mark, every line prefixed with
 * its timestamp, each step's header folded into `##[group]`…`##[endgroup]`, failures as `##[error]`.
 * Only steps that have started appear, so an in-progress job has a partial log.
 */
export function jobLogText(job: Job, { repo, workflowPath }: { repo: string; workflowPath: string }): string {
  const lines = [
    `Requested labels: ${job.labels.join(', ')}`,
    `Job defined at: ${repo}/${workflowPath}@refs/heads/${job.head_branch ?? 'main'}`,
  ];
  const start = Date.parse(job.started_at);
  const out = lines.map((line) => `${actionsTimestamp(start)} ${line}`);
  for (const step of job.steps ?? []) {
    if (!step.started_at) continue;
    const at = Date.parse(step.started_at);
    const failed = step.conclusion === 'failure';
    stepOutput(step.name, repo, failed).forEach((line, i) => out.push(`${actionsTimestamp(at + i * 10)} ${line}`));
  }
  return `\uFEFF${out.join('\n')}\n`;
}

export interface LogUrlSigner {
  sign(jobId: number): string;
  /** The job a signed URL is for, or why it is refused. */
  verify(url: URL): { jobId: number } | { refused: 'expired' | 'invalid' };
}

/** Short-lived signed URLs in the shape of the description's example `Location`. */
export function logUrlSigner(secret: string, serviceId: string): LogUrlSigner {
  const signature = (path: string, expires: string) =>
    createHmac('sha256', secret).update(`${path}\n${expires}`).digest('base64');
  return {
    sign(jobId) {
      const path = `/${serviceId}/_apis/pipelines/1/jobs/${jobId}/signedlogcontent`;
      const expires = actionsTimestamp(Date.now() + LOG_URL_TTL_MS);
      const query = new URLSearchParams({
        urlExpires: expires,
        urlSigningMethod: 'HMACV1',
        urlSignature: signature(path, expires),
      });
      return `${LOG_HOST}${path}?${query}`;
    },
    verify(url) {
      const jobId = Number(/\/jobs\/(\d+)\/signedlogcontent$/.exec(url.pathname)?.[1]);
      const expires = url.searchParams.get('urlExpires') ?? '';
      const given = Buffer.from(url.searchParams.get('urlSignature') ?? '');
      const expected = Buffer.from(signature(url.pathname, expires));
      if (!jobId || given.length !== expected.length || !timingSafeEqual(given, expected))
        return { refused: 'invalid' };
      if (Date.now() > Date.parse(expires)) return { refused: 'expired' };
      return { jobId };
    },
  };
}
