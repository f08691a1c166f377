import { linkStateOf } from '../deployments/deploymentStatuses.js';
import type { Execution } from '../spinnaker/gate.js';

/** What a check run shows for an execution: the fields of `checks/create` and `checks/update` the backend sets. */
export interface CheckRunBody {
  /** Left out when the execution is gone: its name is no longer known, and an update keeps the old one. */
  name?: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'cancelled';
  started_at?: string;
  completed_at?: string;
  /** Left out when the execution is gone: an update keeps the link it had. */
  details_url?: string;
  external_id: string;
  output: { title: string; summary: string };
}

const SUMMARY_MAX = 65_535;
const STAGES_SHOWN = 60;
const TEXT_MAX = 200;
const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Text from Spinnaker or GitHub users as inert Markdown: on one line, clipped, every ASCII punctuation character
 * backslash-escaped (CommonMark renders each as itself, so no emphasis, link, table cell, HTML tag or entity can
 * start), and `@`, `#` followed by a zero-width space, which GitHub's mention and issue-reference filters, run on
 * the rendered text, then do not match. The pattern is one character class: no input can make it backtrack.
 */
export function inertMarkdown(value: unknown, max = TEXT_MAX): string {
  const flat = String(value ?? '')
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .trim();
  const clipped = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return clipped
    .replace(/[!-/:-@[-`{-~]/g, (char) => `\\${char}`)
    .replace(/[@#]/g, (char) => `${char}${ZERO_WIDTH_SPACE}`);
}

/** GitHub's timestamp form, `YYYY-MM-DDTHH:MM:SSZ`. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const CONCLUSIONS = { succeeded: 'success', failed: 'failure', canceled: 'cancelled' } as const;
const WAITING = new Set(['NOT_STARTED', 'BUFFERED']);
const ENDED_STAGE = new Set(['SUCCEEDED', 'SKIPPED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'STOPPED']);

type StageOf = NonNullable<Execution['stages']>[number] & { parentStageId?: string; syntheticStageOwner?: string };

/** The check run's name: the same for every execution of a pipeline, so that branch protection can require it. */
export const checkRunName = (application: string, pipelineName: string) => `spinnaker/${application}/${pipelineName}`;

/** The check run an execution is shown as, as Gate answers it. */
export function checkRunBody(
  executionId: string,
  execution: Execution,
  detailsUrl: (application: string) => string,
  now: Date,
): CheckRunBody {
  const ended = linkStateOf(execution.status);
  const stages = ((execution.stages ?? []) as StageOf[]).filter(
    (stage) => !stage.parentStageId && !stage.syntheticStageOwner,
  );
  const done = stages.filter((stage) => ENDED_STAGE.has(String(stage.status))).length;
  const progress = stages.length ? `: ${done} of ${stages.length} stage${stages.length === 1 ? '' : 's'} done` : '';
  const rows = stages
    .slice(0, STAGES_SHOWN)
    .map((stage) => `| ${inertMarkdown(stage.name ?? stage.type ?? 'stage')} | ${inertMarkdown(stage.status)} |`);
  if (stages.length > STAGES_SHOWN) rows.push(`| … and ${stages.length - STAGES_SHOWN} more | |`);
  const trigger = execution.trigger ?? {};
  const linkText = typeof trigger.linkText === 'string' ? trigger.linkText : undefined;
  const summary = [
    `Spinnaker pipeline **${inertMarkdown(execution.name)}** of application **${inertMarkdown(execution.application)}**: ${inertMarkdown(execution.status)}.`,
    ...(linkText ? ['', `Started for ${inertMarkdown(linkText)}.`] : []),
    '',
    ...(rows.length ? ['| Stage | Status |', '| --- | --- |', ...rows] : ['No stages yet.']),
  ]
    .join('\n')
    .slice(0, SUMMARY_MAX);
  const title = ended
    ? `Pipeline ${ended === 'canceled' ? 'cancelled' : ended}${progress}`
    : WAITING.has(execution.status)
      ? 'Pipeline waiting to start'
      : `Pipeline running${progress}`;
  return {
    name: checkRunName(execution.application, execution.name),
    status: ended ? 'completed' : WAITING.has(execution.status) ? 'queued' : 'in_progress',
    ...(ended ? { conclusion: CONCLUSIONS[ended] } : {}),
    ...(execution.startTime ? { started_at: isoSeconds(execution.startTime) } : {}),
    ...(ended ? { completed_at: isoSeconds(execution.endTime ?? now.getTime()) } : {}),
    details_url: detailsUrl(execution.application),
    external_id: executionId,
    output: { title, summary },
  };
}

/** The end of a check run whose execution was deleted from Spinnaker before it ended. */
export function goneBody(executionId: string, now: Date): CheckRunBody {
  return {
    status: 'completed',
    conclusion: 'cancelled',
    completed_at: isoSeconds(now.getTime()),
    external_id: executionId,
    output: {
      title: 'Pipeline execution deleted',
      summary: 'The Spinnaker execution was deleted before it finished.',
    },
  };
}
