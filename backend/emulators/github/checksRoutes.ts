import { error, notFound, ok, paginate } from './responses.js';
import { Answer, integerParam, visibleRepo, type Route, type RouteContext } from './routeContext.js';
import type { CheckRun } from './types.js';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const LEVEL: Record<string, number> = { read: 1, write: 2 };

/** Checks need the App's `checks` permission; without it GitHub answers 403 (docs: "Resource not accessible by integration"). */
function requireChecks(ctx: RouteContext, level: 'read' | 'write'): void {
  const { caller } = ctx;
  const granted = caller.kind === 'installation' ? (LEVEL[caller.permissions.checks ?? ''] ?? 0) : 0;
  if (granted < (LEVEL[level] ?? 0)) {
    throw new Answer(error(403, 'Resource not accessible by integration', ctx.operation.docsUrl));
  }
}

function checkRunOf(ctx: RouteContext) {
  const repo = visibleRepo(ctx);
  const state = ctx.world.checkRuns.get(integerParam(ctx, 'check_run_id'));
  if (!state || state.repo !== repo.full.full_name.toLowerCase()) throw new Answer(notFound(ctx.operation.docsUrl));
  return state;
}

interface CheckRunFields {
  name?: string;
  details_url?: string;
  external_id?: string;
  status?: CheckRun['status'];
  conclusion?: NonNullable<CheckRun['conclusion']> | 'stale';
  started_at?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string };
}

/**
 * What GitHub does with the fields of a create or an update: a conclusion completes the run, `completed` needs a
 * conclusion (422), `stale` is GitHub's alone (422), and the output's title and summary replace the old ones. A
 * completed check run keeps its status and conclusion for good ("Once a check run transitions from the in_progress
 * state to completed, it's not possible to modify its status nor its conclusion further", GitHub staff in
 * github.com/orgs/community/discussions/24761); the update is answered, the run stays as it was.
 */
function apply(ctx: RouteContext, checkRun: CheckRun, fields: CheckRunFields): void {
  const refuse = (message: string) => new Answer(error(422, message, ctx.operation.docsUrl));
  if (checkRun.status === 'completed') {
    fields = { ...fields, status: undefined, conclusion: undefined, completed_at: undefined, started_at: undefined };
  }
  if (fields.conclusion === 'stale') throw refuse('Invalid conclusion: stale can only be set by GitHub');
  if (fields.status === 'completed' && !fields.conclusion && !checkRun.conclusion) {
    throw refuse('Validation Failed: conclusion is required when status is completed');
  }
  const conclusion = fields.conclusion ?? null;
  Object.assign(checkRun, {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.details_url !== undefined ? { details_url: fields.details_url } : {}),
    ...(fields.external_id !== undefined ? { external_id: fields.external_id } : {}),
    ...(fields.started_at !== undefined ? { started_at: fields.started_at } : {}),
    ...(fields.status !== undefined ? { status: fields.status } : {}),
  });
  if (conclusion) {
    Object.assign(checkRun, {
      status: 'completed',
      conclusion,
      completed_at: fields.completed_at ?? iso(Date.now()),
    });
  }
  if (fields.output) {
    checkRun.output = {
      ...checkRun.output,
      title: fields.output.title ?? checkRun.output.title,
      summary: fields.output.summary ?? checkRun.output.summary,
      text: fields.output.text ?? checkRun.output.text,
    };
  }
}

/** Check runs (https://docs.github.com/rest/checks/runs): create, update, get, list for a ref. */
export const checksRoutes: Record<string, Route> = {
  'checks/create': {
    auth: 'installation',
    handle: (ctx) => {
      const repo = visibleRepo(ctx);
      requireChecks(ctx, 'write');
      const body = (ctx.body ?? {}) as CheckRunFields & { head_sha?: string };
      if (!body.name || !body.head_sha) throw new Answer(error(422, 'Validation Failed', ctx.operation.docsUrl));
      if (!ctx.world.hasCommit(repo, body.head_sha)) {
        throw new Answer(error(422, `No commit found for SHA: ${body.head_sha}`, ctx.operation.docsUrl));
      }
      const created = ctx.world.addCheckRun(repo, { name: body.name, headSha: body.head_sha });
      try {
        apply(ctx, created, body);
      } catch (thrown) {
        ctx.world.checkRuns.delete(Number(created.id));
        throw thrown;
      }
      return { status: 201, json: created };
    },
  },
  'checks/update': {
    auth: 'installation',
    handle: (ctx) => {
      const { checkRun } = checkRunOf(ctx);
      requireChecks(ctx, 'write');
      const next = structuredClone(checkRun);
      apply(ctx, next, (ctx.body ?? {}) as CheckRunFields);
      Object.assign(checkRun, next);
      return { status: 200, json: checkRun };
    },
  },
  'checks/get': {
    auth: 'installation',
    handle: (ctx) => {
      const { checkRun } = checkRunOf(ctx);
      requireChecks(ctx, 'read');
      return ok(checkRun);
    },
  },
  'checks/list-for-ref': {
    auth: 'installation',
    handle: (ctx) => {
      const repo = visibleRepo(ctx);
      requireChecks(ctx, 'read');
      const q = ctx.url.searchParams;
      const ref = ctx.operation.params.ref ?? '';
      const sha = ctx.world.resolveRef(repo, ref)?.sha ?? ref;
      let runs = [...ctx.world.checkRuns.values()]
        .filter((state) => state.repo === repo.full.full_name.toLowerCase())
        .map((state) => state.checkRun)
        .filter((run) => run.head_sha === sha)
        .filter((run) => !q.get('check_name') || run.name === q.get('check_name'))
        .filter((run) => !q.get('status') || run.status === q.get('status'))
        .filter((run) => !q.get('app_id') || String(run.app?.id) === q.get('app_id'))
        .sort((a, b) => Number(b.id) - Number(a.id));
      // `latest` (the default): only the most recent check run of each name.
      if ((q.get('filter') ?? 'latest') === 'latest') {
        runs = runs.filter((run, i) => runs.findIndex((other) => other.name === run.name) === i);
      }
      return paginate(runs, ctx.url, (page) => ({ total_count: runs.length, check_runs: page }));
    },
  },
};
