import { API, WEB, contentFile, sha1 } from './entities.js';
import { error, notFound, ok, paginate, type SimResponse } from './responses.js';
import { Answer, integerParam, visibleRepo, type Route, type RouteContext } from './routeContext.js';
import type { ShortBranch } from './types.js';

const httpDate = (iso: string) => new Date(iso).toUTCString();

/**
 * GET /repos/{owner}/{repo}/contents/{path}: a file as JSON with base64 content, a directory as
 * a list, or the file's text when asked for the raw media type (`application/vnd.github.raw+json`,
 * or Octokit's `mediaType: { format: 'raw' }`, which sends `application/vnd.github.v3.raw`)
 * (https://docs.github.com/rest/repos/contents#get-repository-content).
 */
function getContent(ctx: RouteContext): SimResponse {
  const repo = visibleRepo(ctx);
  const { world, operation, url, headers } = ctx;
  const ref = url.searchParams.get('ref') ?? repo.full.default_branch;
  const at = world.resolveRef(repo, ref);
  if (!at) throw new Answer(error(404, `No commit found for the ref ${ref}`, operation.docsUrl));
  const path = (operation.params.path ?? '').replace(/^\/+|\/+$/g, '');
  const files = repo.files.get(at.branch) ?? new Map<string, string>();
  const content = files.get(path);
  const fullName = repo.full.full_name;
  const lastModified = httpDate(repo.full.pushed_at);

  if (content !== undefined) {
    const accept = headers.get('accept') ?? '';
    if (/\bvnd\.github(\.v3)?\.raw\b/.test(accept)) {
      // Fixture api.github.com/get-content in @octokit/fixtures: v3.raw is echoed back with a charset.
      const type = accept.includes('v3.raw') ? 'application/vnd.github.v3.raw' : 'application/vnd.github.raw';
      return { status: 200, text: content, contentType: `${type}; charset=utf-8`, cacheable: true, lastModified };
    }
    return ok(contentFile({ fullName, path, ref, content }), { lastModified });
  }

  const prefix = `${path}/`;
  const below = [...files.keys()].filter((file) => file.startsWith(prefix));
  if (!below.length) throw new Answer(notFound(operation.docsUrl));
  const names = [...new Set(below.map((file) => file.slice(prefix.length).split('/')[0] ?? ''))].sort();
  return ok(
    names.map((name) => {
      const entryPath = `${prefix}${name}`;
      const file = files.get(entryPath);
      if (file !== undefined) {
        const {
          content: _content,
          encoding: _encoding,
          ...entry
        } = contentFile({ fullName, path: entryPath, ref, content: file });
        return entry;
      }
      const sha = sha1(`${at.sha}:${entryPath}`);
      const self = `${API}/repos/${fullName}/contents/${entryPath}?ref=${encodeURIComponent(ref)}`;
      const git = `${API}/repos/${fullName}/git/trees/${sha}`;
      const html = `${WEB}/${fullName}/tree/${ref}/${entryPath}`;
      return {
        type: 'dir',
        size: 0,
        name,
        path: entryPath,
        sha,
        url: self,
        git_url: git,
        html_url: html,
        download_url: null,
        _links: { self, git, html },
      };
    }),
    { lastModified },
  );
}

export const repoRoutes: Record<string, Route> = {
  'repos/get': {
    auth: 'installation',
    handle: (ctx) => {
      const repo = visibleRepo(ctx);
      return ok(repo.full, { lastModified: httpDate(repo.full.pushed_at) });
    },
  },
  'repos/list-branches': {
    auth: 'installation',
    handle: (ctx) => {
      const repo = visibleRepo(ctx);
      const onlyProtected = ctx.url.searchParams.get('protected');
      const branches: ShortBranch[] = [...repo.branches]
        .map(([name, sha]) => ({
          name,
          commit: { sha, url: `${API}/repos/${repo.full.full_name}/commits/${sha}` },
          protected: name === repo.full.default_branch,
        }))
        .filter((b) => onlyProtected === null || String(b.protected) === onlyProtected)
        .sort((a, b) => a.name.localeCompare(b.name));
      return paginate(branches, ctx.url);
    },
  },
  'repos/get-content': { auth: 'installation', handle: getContent },
};

function deploymentOf(ctx: RouteContext) {
  const repo = visibleRepo(ctx);
  const state = ctx.world.deployments.get(integerParam(ctx, 'deployment_id'));
  if (!state || state.repo !== repo.full.full_name.toLowerCase()) throw new Answer(notFound(ctx.operation.docsUrl));
  return state;
}

const STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

/** Deployments and their statuses (https://docs.github.com/rest/deployments). */
export const deploymentRoutes: Record<string, Route> = {
  'repos/list-deployments': {
    auth: 'installation',
    handle: (ctx) => {
      const repo = visibleRepo(ctx);
      const q = ctx.url.searchParams;
      const deployments = [...ctx.world.deployments.values()]
        .filter((d) => d.repo === repo.full.full_name.toLowerCase())
        .map((d) => d.deployment)
        .filter(
          (d) =>
            (!q.get('sha') || d.sha === q.get('sha')) &&
            (!q.get('ref') || d.ref === q.get('ref')) &&
            (!q.get('task') || d.task === q.get('task')) &&
            (!q.get('environment') || d.environment === q.get('environment')),
        )
        .sort((a, b) => b.created_at.localeCompare(a.created_at));
      return paginate(deployments, ctx.url);
    },
  },
  'repos/get-deployment': { auth: 'installation', handle: (ctx) => ok(deploymentOf(ctx).deployment) },
  'repos/list-deployment-statuses': {
    auth: 'installation',
    handle: (ctx) => paginate(deploymentOf(ctx).statuses, ctx.url),
  },
  'repos/create-deployment-status': {
    auth: 'installation',
    handle: (ctx) => {
      const state = deploymentOf(ctx);
      const body = (ctx.body ?? {}) as {
        state?: string;
        description?: string;
        log_url?: string;
        target_url?: string;
        environment_url?: string;
        environment?: string;
      };
      if (!body.state || !STATES.includes(body.state)) {
        throw new Answer(error(422, 'Validation Failed', ctx.operation.docsUrl));
      }
      const created = ctx.world.addDeploymentStatus(
        Number(state.deployment.id),
        {
          state: body.state as (typeof state.statuses)[number]['state'],
          description: body.description,
          logUrl: body.log_url ?? body.target_url,
          environmentUrl: body.environment_url,
          environment: body.environment,
        },
        ctx.world.bot,
      );
      return { status: 201, json: created };
    },
  },
};
