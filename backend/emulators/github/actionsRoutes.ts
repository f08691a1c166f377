import { error, notFound, ok, paginate, type SimResponse } from './responses.js';
import { Answer, integerParam, visibleRepo, type Route, type RouteContext } from './routeContext.js';
import type { WorkflowRun } from './types.js';
import { checkDispatchInputs, parseWorkflow, renderRunName } from './workflowFile.js';

function workflowOf(ctx: RouteContext) {
  const repo = visibleRepo(ctx);
  const workflow = ctx.world.workflow(repo, ctx.operation.params.workflow_id ?? '');
  if (!workflow) throw new Answer(notFound(ctx.operation.docsUrl));
  return { repo, workflow };
}

function runOf(ctx: RouteContext) {
  const repo = visibleRepo(ctx);
  const state = ctx.world.runs.get(integerParam(ctx, 'run_id'));
  if (!state || state.repo !== repo.full.full_name.toLowerCase()) throw new Answer(notFound(ctx.operation.docsUrl));
  return state;
}

function jobOf(ctx: RouteContext) {
  const repo = visibleRepo(ctx);
  const state = ctx.world.jobs.get(integerParam(ctx, 'job_id'));
  if (!state || state.repo !== repo.full.full_name.toLowerCase()) throw new Answer(notFound(ctx.operation.docsUrl));
  return state;
}

/** `created` takes `>=2024-01-01`, `<2024-01-01T10:00:00Z`, `2024-01-01..2024-01-31` or a date (GitHub search syntax). */
function createdMatches(filter: string, createdAt: string): boolean {
  const at = Date.parse(createdAt);
  const range = /^(.+)\.\.(.+)$/.exec(filter);
  if (range) return at >= Date.parse(range[1] ?? '') && at <= Date.parse(range[2] ?? '');
  const [, op = '', value = ''] = /^(>=|<=|>|<)?(.+)$/.exec(filter) ?? [];
  const bound = Date.parse(value);
  if (op === '>=') return at >= bound;
  if (op === '>') return at > bound;
  if (op === '<=') return at <= bound;
  if (op === '<') return at < bound;
  return createdAt.startsWith(value);
}

/** The filters of GET …/actions/runs (https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository). */
function listRuns(ctx: RouteContext, workflowId?: number): SimResponse {
  const repo = visibleRepo(ctx);
  const q = ctx.url.searchParams;
  const filters: [string, (run: WorkflowRun, value: string) => boolean][] = [
    ['actor', (run, v) => run.actor?.login === v],
    ['branch', (run, v) => run.head_branch === v],
    ['event', (run, v) => run.event === v],
    ['status', (run, v) => run.status === v || run.conclusion === v],
    ['head_sha', (run, v) => run.head_sha === v],
    ['check_suite_id', (run, v) => String(run.check_suite_id) === v],
    ['created', (run, v) => createdMatches(v, run.created_at)],
  ];
  const runs = [...ctx.world.runs.values()]
    .filter((s) => s.repo === repo.full.full_name.toLowerCase())
    .map((s) => s.run)
    .filter((run) => workflowId === undefined || run.workflow_id === workflowId)
    .filter((run) => filters.every(([name, test]) => !q.has(name) || test(run, q.get(name) ?? '')))
    .sort((a, b) => b.created_at.localeCompare(a.created_at) || Number(b.id) - Number(a.id));
  return paginate(runs, ctx.url, (page) => ({ total_count: runs.length, workflow_runs: page }));
}

/**
 * POST …/workflows/{workflow_id}/dispatches: checks `ref` and `inputs` against the workflow file at
 * that ref, as GitHub does, and queues a run. Answers 204, or 200 with the run when `return_run_details`
 * is true (https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event).
 */
function dispatch(ctx: RouteContext): SimResponse {
  const { repo, workflow } = workflowOf(ctx);
  const body = (ctx.body ?? {}) as { ref?: unknown; inputs?: Record<string, unknown>; return_run_details?: boolean };
  const docs = ctx.operation.docsUrl;
  const refusal = ctx.world.runDetailsRefusal;
  if ('return_run_details' in body && refusal) {
    throw new Answer(error(refusal, 'Invalid request.\n\n"return_run_details" is not a permitted key.', docs));
  }
  // GitHub's own schema wants every input value as text, which its published description leaves out (`inputs` is
  // any object): a JSON boolean, number or null is refused (https://qiita.com/IzumiSy/items/c432f9d3885b687c2b32).
  const typed = Object.values(body.inputs ?? {}).find((value) => typeof value !== 'string');
  if (typed !== undefined) {
    const shown = typed === null ? 'nil' : JSON.stringify(typed);
    throw new Answer(error(422, `Invalid request.\n\nFor 'additionalProperties', ${shown} is not a string.`, docs));
  }
  if (typeof body.ref !== 'string') throw new Answer(error(422, 'Invalid request.\n\n"ref" wasn\'t supplied.', docs));
  // Branches and tags only; a commit sha is refused too (GitHub answers "No ref found for: <sha>").
  const branch = body.ref.replace(/^refs\/heads\//, '');
  if (!repo.branches.has(branch)) throw new Answer(error(422, `No ref found for: ${body.ref}`, docs));
  const parsed = parseWorkflow(repo.files.get(branch)?.get(workflow.path) ?? '');
  if (!parsed.dispatchInputs) throw new Answer(error(422, "Workflow does not have 'workflow_dispatch' trigger", docs));
  const problem = checkDispatchInputs(parsed.dispatchInputs, body.inputs);
  if (problem) throw new Answer(error(422, problem, docs));

  const { owner = '', repo: name = '' } = ctx.operation.params;
  const inputs = body.inputs ?? {};
  const run = ctx.world.addRun({
    owner,
    repo: name,
    workflow: Number(workflow.id),
    branch,
    event: 'workflow_dispatch',
    displayTitle: parsed.runName ? renderRunName(parsed.runName, { inputs }) : workflow.name,
    actor: actorOf(ctx),
  });
  ctx.world.dispatches.push({
    repo: repo.full.full_name,
    workflowId: Number(workflow.id),
    ref: body.ref,
    inputs,
    runId: Number(run.id),
  });
  if (body.return_run_details !== true) return { status: 204 };
  return { status: 200, json: { workflow_run_id: run.id, run_url: run.url, html_url: run.html_url } };
}

const actorOf = (ctx: RouteContext) => (ctx.caller.kind === 'installation' ? ctx.world.bot : undefined);

/**
 * POST /repos/{owner}/{repo}/dispatches: starts every workflow on the default branch whose
 * `repository_dispatch` trigger takes the event type (https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event).
 */
function repositoryDispatch(ctx: RouteContext): SimResponse {
  const repo = visibleRepo(ctx);
  const body = (ctx.body ?? {}) as { event_type?: string; client_payload?: Record<string, unknown> };
  const eventType = body.event_type ?? '';
  const branch = repo.full.default_branch;
  const { owner = '', repo: name = '' } = ctx.operation.params;
  for (const workflow of repo.workflows) {
    const parsed = parseWorkflow(repo.files.get(branch)?.get(workflow.path) ?? '');
    const types = parsed.repositoryDispatchTypes;
    if (!types || (types !== 'any' && !types.includes(eventType))) continue;
    ctx.world.addRun({
      owner,
      repo: name,
      workflow: Number(workflow.id),
      branch,
      event: 'repository_dispatch',
      displayTitle: parsed.runName ? renderRunName(parsed.runName, { clientPayload: body.client_payload }) : eventType,
      actor: actorOf(ctx),
    });
  }
  return { status: 204 };
}

/** POST …/actions/runs/{run_id}/cancel: 202, or 409 once the run has completed. */
function cancelRun(ctx: RouteContext): SimResponse {
  const state = runOf(ctx);
  if (state.run.status === 'completed') {
    throw new Answer(error(409, 'Cannot cancel a workflow run that is completed.', ctx.operation.docsUrl));
  }
  ctx.world.setRunStatus(Number(state.run.id), 'completed', 'cancelled');
  return { status: 202, json: {} };
}

function artifactsOfRun(ctx: RouteContext): SimResponse {
  const run = runOf(ctx);
  const name = ctx.url.searchParams.get('name');
  const artifacts = [...ctx.world.artifacts.values()]
    .filter((entry) => entry.runId === Number(run.run.id) && (name === null || entry.artifact.name === name))
    .map((entry) => entry.artifact);
  return paginate(artifacts, ctx.url, (page) => ({ total_count: artifacts.length, artifacts: page }));
}

/** GET …/artifacts/{artifact_id}/zip: 302 to the storage host, or 410 once the artifact has expired. */
function downloadArtifact(ctx: RouteContext): SimResponse {
  const repo = visibleRepo(ctx);
  const entry = ctx.world.artifacts.get(integerParam(ctx, 'artifact_id'));
  if (!entry || entry.repo !== repo.full.full_name.toLowerCase() || ctx.operation.params.archive_format !== 'zip') {
    throw new Answer(notFound(ctx.operation.docsUrl));
  }
  if (entry.artifact.expired) throw new Answer(error(410, 'Artifact has expired', ctx.operation.docsUrl));
  return { status: 302, headers: { location: ctx.signArtifactUrl(Number(entry.artifact.id)) } };
}

export const actionsRoutes: Record<string, Route> = {
  'actions/list-workflow-run-artifacts': { auth: 'installation', handle: artifactsOfRun },
  'actions/download-artifact': { auth: 'installation', handle: downloadArtifact },
  'actions/list-repo-workflows': {
    auth: 'installation',
    handle: (ctx) => {
      const { workflows } = visibleRepo(ctx);
      return paginate(workflows, ctx.url, (page) => ({ total_count: workflows.length, workflows: page }));
    },
  },
  'actions/get-workflow': { auth: 'installation', handle: (ctx) => ok(workflowOf(ctx).workflow) },
  'actions/create-workflow-dispatch': { auth: 'installation', handle: dispatch },
  'repos/create-dispatch-event': { auth: 'installation', handle: repositoryDispatch },
  'actions/cancel-workflow-run': { auth: 'installation', handle: cancelRun },
  'actions/list-workflow-runs-for-repo': { auth: 'installation', handle: (ctx) => listRuns(ctx) },
  'actions/list-workflow-runs': {
    auth: 'installation',
    handle: (ctx) => listRuns(ctx, Number(workflowOf(ctx).workflow.id)),
  },
  'actions/get-workflow-run': { auth: 'installation', handle: (ctx) => ok(runOf(ctx).run) },
  'actions/list-jobs-for-workflow-run': {
    auth: 'installation',
    handle: (ctx) => {
      const jobs = runOf(ctx).jobIds.flatMap((id) => {
        const job = ctx.world.jobs.get(id)?.job;
        return job ? [job] : [];
      });
      return paginate(jobs, ctx.url, (page) => ({ total_count: jobs.length, jobs: page }));
    },
  },
  'actions/get-job-for-workflow-run': { auth: 'installation', handle: (ctx) => ok(jobOf(ctx).job) },
  'actions/download-job-logs-for-workflow-run': {
    auth: 'installation',
    handle: (ctx) => {
      const state = jobOf(ctx);
      // A job that has not started has no log yet.
      if (state.log === undefined) throw new Answer(notFound(ctx.operation.docsUrl));
      return { status: 302, headers: { location: ctx.signLogUrl(Number(state.job.id)) } };
    },
  },
};
