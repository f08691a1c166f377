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

/** Characters of the log encoded at a time: the log host sends a large log in pieces, never as one buffer. */
const CHUNK_CHARS = 256 * 1024;

/** A log as its host knows it: its size in bytes, and where each piece of it starts, in characters and in bytes. */
export interface LogIndex {
  text: string;
  size: number;
  pieces: Array<{ from: number; to: number; at: number }>;
}

/**
 * Measures `text` piece by piece, without encoding it. Done when a log is set, as a blob host knows a blob's size
 * before anyone reads it: measuring a 124 MB log takes a second or more.
 */
export function indexLog(text: string): LogIndex {
  const pieces: LogIndex['pieces'] = [];
  let at = 0;
  for (let from = 0; from < text.length;) {
    let to = Math.min(text.length, from + CHUNK_CHARS);
    // Never between the two halves of a surrogate pair.
    const last = text.charCodeAt(to - 1);
    if (to < text.length && last >= 0xd800 && last <= 0xdbff) to--;
    pieces.push({ from, to, at });
    at += Buffer.byteLength(text.slice(from, to), 'utf8');
    from = to;
  }
  return { text, size: at, pieces };
}

/**
 * Bytes `start` to `end` (exclusive) of the log in UTF-8, encoded a piece at a time as the reader pulls them, as a blob
 * host sends a large blob: the first bytes leave before the last are read. With `hold`, the bytes past `hold.bytes`
 * wait for `hold.released`.
 */
export function logStream(
  { text, pieces }: LogIndex,
  { start, end, hold }: { start: number; end: number; hold?: { bytes: number; released: Promise<void> } },
): ReadableStream<Uint8Array> {
  // The first piece that holds byte `start`.
  let index = Math.max(
    0,
    pieces.findIndex((_, i) => (pieces[i + 1]?.at ?? Infinity) > start),
  );
  let sent = start;
  const send = async (controller: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array) => {
    if (hold && sent < hold.bytes && sent + bytes.length > hold.bytes) {
      const before = hold.bytes - sent;
      controller.enqueue(bytes.subarray(0, before));
      sent += before;
      await hold.released;
      bytes = bytes.subarray(before);
    }
    if (bytes.length) controller.enqueue(bytes);
    sent += bytes.length;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const piece = pieces[index++];
        if (sent >= end || !piece) {
          controller.close();
          return;
        }
        const bytes = Buffer.from(text.slice(piece.from, piece.to), 'utf8');
        const from = Math.max(0, start - piece.at);
        const to = Math.min(bytes.length, end - piece.at);
        if (to > from) await send(controller, new Uint8Array(bytes.buffer, bytes.byteOffset + from, to - from));
      },
    },
    { highWaterMark: 0 },
  );
}
