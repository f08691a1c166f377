import { newInstallationToken } from './auth.js';
import { error, notFound, ok, paginate } from './responses.js';
import { Answer, integerParam, type Route, type RouteContext } from './routeContext.js';
import type { InstallationToken } from './types.js';

const TOKEN_TTL_MS = 60 * 60 * 1000;
const LEVEL = { read: 1, write: 2, admin: 3 } as Record<string, number>;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * POST /app/installations/{installation_id}/access_tokens: a one-hour `ghs_` token for the
 * installation, optionally narrowed to some repositories and permissions
 * (https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app).
 */
function createAccessToken(ctx: RouteContext) {
  const { world } = ctx;
  const installation = world.installations.get(integerParam(ctx, 'installation_id'));
  if (!installation) throw new Answer(notFound(ctx.operation.docsUrl));
  const covered = installation.repositories.flatMap((name) => {
    const [owner = '', repo = ''] = name.split('/');
    const state = world.repo(owner, repo);
    return state ? [state.summary] : [];
  });
  const request = (ctx.body ?? {}) as {
    repositories?: string[];
    repository_ids?: number[];
    permissions?: Record<string, string>;
  };
  const narrowed = request.repositories !== undefined || request.repository_ids !== undefined;
  const wanted = narrowed
    ? covered.filter((r) => request.repositories?.includes(r.name) || request.repository_ids?.includes(Number(r.id)))
    : covered;
  const asked = (request.repositories?.length ?? 0) + (request.repository_ids?.length ?? 0);
  if (narrowed && wanted.length < asked) {
    throw new Answer(
      error(
        422,
        'There is at least one repository that does not exist or is not accessible to the parent installation.',
        ctx.operation.docsUrl,
      ),
    );
  }
  const granted = installation.data.permissions as Record<string, string>;
  const permissions = request.permissions ?? granted;
  if (Object.entries(permissions).some(([name, level]) => (LEVEL[level] ?? 9) > (LEVEL[granted[name] ?? ''] ?? 0))) {
    throw new Answer(
      error(422, 'The permissions requested are not granted to this installation.', ctx.operation.docsUrl),
    );
  }

  const token = newInstallationToken();
  const expiresAt = Date.now() + TOKEN_TTL_MS;
  world.tokens.set(token, {
    installationId: installation.data.id,
    repositoryIds: wanted.map((r) => Number(r.id)),
    permissions,
    expiresAt,
  });
  const body: InstallationToken = {
    token,
    expires_at: iso(expiresAt),
    permissions: permissions as InstallationToken['permissions'],
    repository_selection: narrowed ? 'selected' : installation.data.repository_selection,
    ...(narrowed ? { repositories: wanted } : {}),
  };
  return { status: 201, json: body };
}

export const appRoutes: Record<string, Route> = {
  'apps/get-authenticated': {
    auth: 'app',
    handle: ({ world }) => {
      const { privateKey: _privateKey, ...app } = world.app;
      return ok(app);
    },
  },
  'apps/list-installations': {
    auth: 'app',
    handle: ({ world, url }) =>
      paginate(
        [...world.installations.values()].map((i) => i.data),
        url,
      ),
  },
  'apps/create-installation-access-token': { auth: 'app', handle: createAccessToken },
  'apps/get-repo-installation': {
    auth: 'app',
    handle: (ctx) => {
      const { owner = '', repo = '' } = ctx.operation.params;
      const installation = ctx.world.repo(owner, repo) && ctx.world.installationOf(`${owner}/${repo}`);
      if (!installation) throw new Answer(notFound(ctx.operation.docsUrl));
      return ok(installation.data);
    },
  },
  'apps/list-repos-accessible-to-installation': {
    auth: 'installation',
    handle: ({ world, caller, url }) => {
      if (caller.kind !== 'installation') throw new Answer(error(401, 'Requires authentication'));
      const repos = [...world.repos.values()].filter((r) => caller.repositoryIds.includes(Number(r.full.id)));
      const selection = world.installations.get(caller.installationId)?.data.repository_selection ?? 'selected';
      return paginate(
        repos.map((r) => r.summary),
        url,
        (page) => ({ total_count: repos.length, repository_selection: selection, repositories: page }),
      );
    },
  },
};
