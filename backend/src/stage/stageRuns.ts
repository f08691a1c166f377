import { randomUUID } from 'node:crypto';
import { RequestError } from '@octokit/request-error';
import type { Logger } from 'pino';
import type { RunDto, StageRunStatusDto } from '../contract.js';
import { HttpError, InputError, RetryLaterError, UnprocessableError } from '../errors.js';
import type { GithubApp } from '../github/githubApp.js';
import { toHttpError } from '../github/githubErrors.js';
import type { GithubReads } from '../github/githubReads.js';
import { REVALIDATE } from '../github/readCache.js';
import { RunStates } from './runStates.js';
import {
  claimedRunIds,
  deleteDispatch,
  findDispatch,
  findDispatchByRun,
  markDispatchPolled,
  recordDispatch,
  setDispatchRun,
  type Dispatch,
  type Store,
} from '../store/index.js';
import { stageRunStatus } from './runStatus.js';
import { readStageResults } from './stageResults.js';
import { notFoundMessages } from '../github/notFoundMessages.js';
import { within } from '../timeout.js';

/** The workflow input, or `client_payload` field, that carries our correlation id to the run (docs/stage.md). */
export const CORRELATION_FIELD = 'spinnaker_correlation_id';
/** GitHub's limit on `client_payload` (https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event). */
const MAX_CLIENT_PAYLOAD_PROPERTIES = 10;
/** Runs created this long before our dispatch are still considered: GitHub's clock and ours may differ. */
const CLOCK_SKEW_MS = 10_000;

export type DispatchRequest = {
  /** Same key, same run: a retried call never dispatches twice. */
  key: string;
  owner: string;
  repo: string;
  /** The artifact and the file in it whose keys become the stage's outputs (docs/stage.md). */
  results?: { artifact: string; file: string };
} & (
  | { dispatchType: 'workflow_dispatch'; workflow: string; ref?: string; inputs: Record<string, unknown> }
  | { dispatchType: 'repository_dispatch'; eventType: string; clientPayload: Record<string, unknown> }
);

export interface StageRunsOptions {
  github: GithubApp;
  reads: GithubReads;
  store: Store;
  logger: Logger;
  /** The state of followed runs, kept from GitHub's events; built here (without metrics) when not given. */
  runStates?: RunStates;
  /** How long a dispatch call waits for its run to appear before answering 503 (`RunNotFoundError`). */
  lookupTimeoutMs?: number;
  lookupIntervalMs?: number;
  /**
   * How long a dispatch call waits for its dispatch to leave the installation's request budget (80 writes a minute)
   * before answering 503; the dispatch stays queued and Orca's retry of the call answers its run.
   */
  sendWaitMs?: number;
}

/**
 * The run a dispatch started has not appeared in time. 503 with Retry-After because Orca's webhook stage
 * retries a 5xx create call every 10 s for 5 minutes with the same body (and fails fast on 504): each retry
 * finds the stored dispatch and keeps looking instead of dispatching again (docs/research/orca-webhook-stage.md §3).
 */
export class RunNotFoundError extends RetryLaterError {
  constructor(message: string) {
    super(message, 10);
  }
}

/**
 * How long after its dispatch a stage's run is looked for: the 5 minutes Orca retries the create call for. From
 * Spinnaker 2026.2, Orca retries it for the stage's `stageTimeoutMs` when one is set (orca ed6708e631:
 * CreateWebhookTask became an OverridableTimeoutRetryableTask), hours for a long workflow; the backend ends the
 * search itself so that every release fails such a stage at the same point, with the same guidance.
 */
export const RUN_LOOKUP_LIMIT_MS = 5 * 60_000;

/** No run could be told apart within RUN_LOOKUP_LIMIT_MS of the dispatch: 422, which Orca does not retry. */
export class RunNeverFoundError extends UnprocessableError {}

/**
 * What happened, then what to change. Orca shows the last answer as the stage's final message once it stops
 * retrying, so the text must not promise another try.
 */
function runNotFoundMessage(request: DispatchRequest, seconds: number, candidates: number): string {
  const ambiguous = candidates > 1 ? ` (${candidates} runs started by the App at the same time could be it)` : '';
  if (request.dispatchType === 'workflow_dispatch') {
    return (
      `GitHub accepted the dispatch of ${request.workflow} in ${request.owner}/${request.repo}, but no run of it could be told apart as this stage's within ${seconds} s${ambiguous}. ` +
      `Give the workflow a run-name that shows inputs.${CORRELATION_FIELD} (in GitHub's expression syntax) and declare the ${CORRELATION_FIELD} input; see docs/stage.md.`
    );
  }
  return (
    `GitHub accepted the repository_dispatch event ${request.eventType} in ${request.owner}/${request.repo}, but no run it started could be told apart as this stage's within ${seconds} s${ambiguous}. ` +
    `Check that a workflow on the default branch lists ${request.eventType} under on.repository_dispatch.types, and give it a run-name that shows github.event.client_payload.${CORRELATION_FIELD} (in GitHub's expression syntax); see docs/stage.md.`
  );
}

/**
 * GitHub Enterprise Server releases before 3.21 validate the dispatch body strictly and refuse the key
 * (`Invalid request.\n\n"return_run_details" is not a permitted key.`): the dispatch started nothing. They answer 422,
 * older ones may answer 400, so the message tells the refusal apart, not the status.
 */
const refusesRunDetails = (error: unknown) =>
  error instanceof RequestError &&
  (error.status === 400 || error.status === 422) &&
  /"return_run_details" is not a permitted key/.test(error.message);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The dispatch waits in the installation's request budget behind others (a release day's burst): answered 503 with
 * Retry-After so that Orca, which gives up on a call after 120 s and never retries a timed-out POST, calls again.
 */
export class DispatchQueuedError extends RetryLaterError {
  constructor(request: DispatchRequest, seconds: number) {
    super(
      `The dispatch to ${request.owner}/${request.repo} is still queued after ${seconds} s behind other requests to the same GitHub installation (GitHub allows 80 dispatches and other writes a minute); it will be sent in turn, and the stage's next try answers its run.`,
      10,
    );
  }
}

/** Dispatches workflows for the GitHub Workflow stage, finds the run each dispatch started, reports and cancels it. */
export class StageRuns {
  private readonly lookupTimeoutMs: number;
  private readonly lookupIntervalMs: number;
  /** GitHub API URLs known to refuse `return_run_details` (GHES before 3.21): asked once per process, then left out. */
  private readonly withoutRunDetails = new Set<string>();
  /** Dispatches this process is sending, by key: a retried call waits for the send rather than looking for its run. */
  private readonly sending = new Map<string, Promise<number | undefined>>();
  private readonly sendWaitMs: number;
  readonly runStates: RunStates;

  constructor(private readonly options: StageRunsOptions) {
    this.runStates =
      options.runStates ?? new RunStates({ store: options.store, reads: options.reads, logger: options.logger });
    // Orca waits up to 120 s for the create call (ok-http-client.readTimeoutMs); answer well before.
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? 30_000;
    this.lookupIntervalMs = options.lookupIntervalMs ?? 1_000;
    // With the run lookup's 30 s after it (a GitHub that answers 204), the call still ends within Orca's 120 s.
    this.sendWaitMs = options.sendWaitMs ?? 80_000;
  }

  /**
   * Dispatches once per key and answers the run it started. The dispatch is stored before GitHub is
   * asked, so a retry (or a concurrent duplicate) finds it and looks for the run instead of dispatching.
   */
  async dispatch(request: DispatchRequest): Promise<{ run: RunDto; correlationId: string }> {
    const { db } = this.options.store;
    let dispatch = await findDispatch(db, request.key);
    if (!dispatch) {
      const correlationId = randomUUID();
      const { inserted } = await recordDispatch(db, {
        key: request.key,
        owner: request.owner,
        repo: request.repo,
        correlationId,
        request: JSON.stringify(request),
      });
      dispatch = await findDispatch(db, request.key);
      if (!dispatch) throw new Error(`The dispatch ${request.key} was stored but cannot be read back`);
      if (inserted) {
        const runId = await this.sent(request, this.startSend(request, correlationId));
        dispatch = { ...dispatch, runId: runId ?? null };
      }
    } else if (!dispatch.runId && this.sending.has(request.key)) {
      const runId = await this.sent(request, this.sending.get(request.key)!);
      dispatch = { ...dispatch, runId: runId ?? null };
    }
    const runId = dispatch.runId ?? (await this.findRun(dispatch));
    const ref = { owner: dispatch.owner, repo: dispatch.repo, runId };
    const run = await this.options.reads.getRun(ref);
    // Followed from now on: its events keep the state that Orca's polls read.
    await this.runStates.follow(ref, run);
    return { run, correlationId: dispatch.correlationId };
  }

  async status(
    { owner, repo, runId }: { owner: string; repo: string; runId: number },
    { waitForCompletion = true } = {},
  ): Promise<StageRunStatusDto> {
    const ref = { owner, repo, runId };
    // From the first poll on, Orca's own cancel reaches the run; until then dispatchWatch.ts checks Gate.
    await markDispatchPolled(this.options.store.db, ref);
    const { run, jobs } = await this.runStates.status(ref);
    const answer = stageRunStatus(owner, repo, run, jobs, { waitForCompletion });
    if (run.status !== 'completed') return answer;
    const dispatch = await findDispatchByRun(this.options.store.db, ref);
    const { results } = dispatch ? (JSON.parse(dispatch.request) as DispatchRequest) : {};
    const read = await readStageResults(this.options.github, {
      ...ref,
      htmlUrl: run.htmlUrl,
      results: answer.status === 'SUCCEEDED' ? results : undefined,
    });
    if ('failure' in read) {
      return {
        ...answer,
        status: 'TERMINAL',
        progress: `The run succeeded but its results could not be read: ${read.failure}`,
        artifacts: read.artifacts,
      };
    }
    return { ...answer, ...read };
  }

  /** Asks GitHub to cancel the run; a run that already finished is left as it is. */
  async cancel({
    owner,
    repo,
    runId,
  }: {
    owner: string;
    repo: string;
    runId: number;
  }): Promise<{ cancelled: boolean; message: string }> {
    const client = await this.options.github.forRepo(owner, repo);
    try {
      await client.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel', { owner, repo, run_id: runId });
      return { cancelled: true, message: `Cancellation of run ${runId} requested` };
    } catch (error) {
      if ((error as { status?: number }).status === 409) {
        return { cancelled: false, message: `Run ${runId} has already completed; nothing to cancel` };
      }
      throw toHttpError(error, {
        action: `cancelling run ${runId} of ${owner}/${repo}`,
        appId: this.options.github.appId,
        notFound: notFoundMessages.run(runId, owner, repo),
      });
    }
  }

  /** Cancels the run a stage dispatched, found by its key; nothing to do when it never started one. */
  async cancelByKey(key: string): Promise<{ cancelled: boolean; message: string }> {
    const dispatch = await findDispatch(this.options.store.db, key);
    if (!dispatch?.runId) return { cancelled: false, message: 'This stage started no run; nothing to cancel' };
    return this.cancel({ owner: dispatch.owner, repo: dispatch.repo, runId: dispatch.runId });
  }

  /**
   * Cancels the run of a dispatch whose stage was cancelled before Orca polled it. `pending` when its run cannot be
   * told yet (GitHub has not listed it): ask again later.
   */
  async cancelDispatched(dispatch: Dispatch): Promise<{ cancelled: boolean; pending: boolean; message: string }> {
    let runId = dispatch.runId;
    if (!runId) {
      try {
        runId = await this.findRun(dispatch, 0);
      } catch (error) {
        if (error instanceof RunNotFoundError) return { cancelled: false, pending: true, message: error.message };
        throw error;
      }
    }
    return { ...(await this.cancel({ owner: dispatch.owner, repo: dispatch.repo, runId })), pending: false };
  }

  /** Sends the dispatch and stores the run GitHub names, whether or not a call still waits for it. */
  private startSend(request: DispatchRequest, correlationId: string): Promise<number | undefined> {
    const sending = this.send(request, correlationId).then(async (runId) => {
      if (runId !== undefined) await setDispatchRun(this.options.store.db, request.key, runId);
      return runId;
    });
    this.sending.set(request.key, sending);
    sending
      // The call waiting for it, or the stage's next try, answers the failure.
      .catch((error: unknown) => this.options.logger.debug({ err: error, key: request.key }, 'dispatch failed'))
      .finally(() => this.sending.delete(request.key));
    return sending;
  }

  /** The send's outcome, or DispatchQueuedError when it still waits in the request budget after `sendWaitMs`. */
  private sent(request: DispatchRequest, sending: Promise<number | undefined>): Promise<number | undefined> {
    const seconds = Math.round(this.sendWaitMs / 1000);
    return within(sending, this.sendWaitMs, () => new DispatchQueuedError(request, seconds));
  }

  /** Sends the dispatch; answers the run id when GitHub says it. A refused dispatch is forgotten so a fixed retry can send it. */
  private async send(request: DispatchRequest, correlationId: string): Promise<number | undefined> {
    try {
      return request.dispatchType === 'workflow_dispatch'
        ? await this.sendWorkflowDispatch(request, correlationId)
        : await this.sendRepositoryDispatch(request, correlationId);
    } catch (error) {
      // A 4xx means GitHub started nothing; anything else (timeout, 5xx) may have started a run, so keep looking for it.
      if (error instanceof HttpError && error.statusCode < 500)
        await deleteDispatch(this.options.store.db, request.key);
      throw error;
    }
  }

  private async sendWorkflowDispatch(
    request: Extract<DispatchRequest, { dispatchType: 'workflow_dispatch' }>,
    correlationId: string,
  ): Promise<number | undefined> {
    const { owner, repo, workflow } = request;
    const declared = await this.options.reads.getWorkflowInputs({ owner, repo, workflow, ref: request.ref });
    if (!declared.dispatchable) {
      throw new UnprocessableError(
        `Workflow ${workflow} in ${owner}/${repo} has no workflow_dispatch trigger at ${declared.ref}, so it cannot be started from Spinnaker. Add "on: workflow_dispatch" to ${declared.path}, or use repository_dispatch.`,
      );
    }
    // As GitHub's own UI and CLI do: it refuses JSON booleans and numbers, and the workflow's `inputs` context still
    // types each value as the workflow declares it (a boolean input reads true, not "true").
    const inputs = Object.fromEntries(Object.entries(request.inputs).map(([name, value]) => [name, String(value)]));
    if (declared.inputs.some((input) => input.name === CORRELATION_FIELD)) inputs[CORRELATION_FIELD] = correlationId;

    const client = await this.options.github.forRepo(owner, repo);
    const { apiUrl } = this.options.github;
    const post = (runDetails: boolean) =>
      client.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        owner,
        repo,
        workflow_id: workflow,
        ref: declared.ref,
        inputs,
        ...(runDetails ? { return_run_details: true } : {}),
      });
    try {
      let response;
      try {
        response = await post(!this.withoutRunDetails.has(apiUrl));
      } catch (error) {
        if (!refusesRunDetails(error)) throw error;
        // A refused request started nothing, so sending it again without the key dispatches once; the run is then
        // found by its correlation id, as on any GitHub that answers 204.
        this.withoutRunDetails.add(apiUrl);
        this.options.logger.info(
          { apiUrl },
          'GitHub refuses return_run_details (GHES before 3.21); dispatching without it',
        );
        response = await post(false);
      }
      this.options.logger.info({ owner, repo, workflow, ref: declared.ref, key: request.key }, 'workflow dispatched');
      return response.status === 200 ? Number(response.data.workflow_run_id) : undefined;
    } catch (error) {
      throw toHttpError(error, {
        action: `dispatching ${workflow} on ${declared.ref} in ${owner}/${repo}`,
        appId: this.options.github.appId,
      });
    }
  }

  private async sendRepositoryDispatch(
    request: Extract<DispatchRequest, { dispatchType: 'repository_dispatch' }>,
    correlationId: string,
  ): Promise<undefined> {
    const { owner, repo, eventType } = request;
    const clientPayload = { ...request.clientPayload, [CORRELATION_FIELD]: correlationId };
    if (Object.keys(clientPayload).length > MAX_CLIENT_PAYLOAD_PROPERTIES) {
      throw new InputError(
        `clientPayload has more than ${MAX_CLIENT_PAYLOAD_PROPERTIES - 1} top-level properties; GitHub allows ${MAX_CLIENT_PAYLOAD_PROPERTIES} and the stage adds ${CORRELATION_FIELD}. Nest some of them.`,
      );
    }
    const client = await this.options.github.forRepo(owner, repo);
    try {
      await client.request('POST /repos/{owner}/{repo}/dispatches', {
        owner,
        repo,
        event_type: eventType,
        client_payload: clientPayload,
      });
      this.options.logger.info({ owner, repo, eventType, key: request.key }, 'repository_dispatch sent');
      return undefined;
    } catch (error) {
      throw toHttpError(error, {
        action: `sending repository_dispatch ${eventType} to ${owner}/${repo}`,
        appId: this.options.github.appId,
      });
    }
  }

  /**
   * The run a dispatch started, when GitHub did not say: the run whose name carries the correlation id,
   * else the only run started by the App since the dispatch that no other dispatch took.
   */
  private async findRun(dispatch: Dispatch, timeoutMs = this.lookupTimeoutMs): Promise<number> {
    const request = JSON.parse(dispatch.request) as DispatchRequest;
    const deadline = Date.now() + timeoutMs;
    const bot = await this.options.github.botLogin();
    for (;;) {
      // A concurrent call with the same key may have found it first.
      const current = await findDispatch(this.options.store.db, dispatch.key);
      if (current?.runId) return current.runId;
      const runs = await this.recentRuns(request, dispatch.createdAt);
      const named = runs.find((run) => run.display_title.includes(dispatch.correlationId));
      const claimed = await claimedRunIds(this.options.store.db, {
        owner: dispatch.owner,
        repo: dispatch.repo,
        runIds: runs.map((run) => Number(run.id)),
      });
      const ours = runs.filter((run) => run.triggering_actor?.login === bot && !claimed.has(Number(run.id)));
      const found = named ?? (ours.length === 1 ? ours[0] : undefined);
      // The unique index on (owner, repo, run_id) refuses a run another dispatch took a moment ago.
      const taken =
        found &&
        (await setDispatchRun(this.options.store.db, dispatch.key, Number(found.id)).then(
          ({ updated }) => updated,
          () => false,
        ));
      if (found && taken) return Number(found.id);
      if (Date.now() + this.lookupIntervalMs > deadline) {
        const sinceDispatchMs = Date.now() - dispatch.createdAt.getTime();
        if (sinceDispatchMs >= RUN_LOOKUP_LIMIT_MS) {
          throw new RunNeverFoundError(runNotFoundMessage(request, Math.round(sinceDispatchMs / 1000), ours.length));
        }
        throw new RunNotFoundError(runNotFoundMessage(request, Math.round(timeoutMs / 1000), ours.length));
      }
      await sleep(this.lookupIntervalMs);
    }
  }

  private async recentRuns(request: DispatchRequest, since: Date) {
    const { owner, repo } = request;
    const client = await this.options.github.forRepo(owner, repo);
    const created = `>=${new Date(since.getTime() - CLOCK_SKEW_MS).toISOString()}`;
    // Past the read cache's fresh window, but with ETags, so an unchanged list costs no rate limit.
    const options = { owner, repo, created, per_page: 100, headers: REVALIDATE };
    try {
      const { data } =
        request.dispatchType === 'workflow_dispatch'
          ? await client.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
              ...options,
              workflow_id: request.workflow,
              event: 'workflow_dispatch',
            })
          : await client.request('GET /repos/{owner}/{repo}/actions/runs', {
              ...options,
              event: 'repository_dispatch',
            });
      return data.workflow_runs;
    } catch (error) {
      throw toHttpError(error, { action: `listing recent runs of ${owner}/${repo}`, appId: this.options.github.appId });
    }
  }
}
