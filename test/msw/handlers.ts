import { http, HttpResponse } from 'msw';

import { notFoundMessages } from '../../backend/src/github/notFoundMessages';
import type { ErrorBody } from '../../src/api/types';
import * as fixtures from './fixtures';

export const GATE_URL = 'http://gate.test';
/** The backend's read API behind Gate's proxy. */
export const API = `${GATE_URL}/proxies/github`;

/** The backend's error body (backend/src/errors.ts). */
export function errorResponse(status: number, name: string, message: string, request: Request) {
  const body: ErrorBody = {
    error: { name, message },
    request: { method: request.method, url: new URL(request.url).pathname.replace('/proxies/github', '/api') },
    response: { statusCode: status },
  };
  return HttpResponse.json(body, { status });
}

const INPUTS: Record<string, Record<string, typeof fixtures.deployInputsMain>> = {
  'deploy.yml': { main: fixtures.deployInputsMain, 'release/1.x': fixtures.deployInputsRelease },
  'ci.yml': { main: fixtures.ciInputsMain },
};

function notInstalled(request: Request, owner: string, repo: string) {
  return errorResponse(404, 'NotFoundError', notFoundMessages.installation(owner, repo), request);
}

const known = (owner: unknown, repo: unknown) => owner === 'octo-org' && repo === 'app';

export const handlers = [
  http.get(`${API}/repos`, () => HttpResponse.json({ items: fixtures.repositories })),
  http.get(`${API}/repos/:owner/:repo/workflows`, ({ params, request }) =>
    known(params.owner, params.repo)
      ? HttpResponse.json({ items: fixtures.workflows })
      : notInstalled(request, String(params.owner), String(params.repo)),
  ),
  http.get(`${API}/repos/:owner/:repo/branches`, ({ params, request }) =>
    known(params.owner, params.repo)
      ? HttpResponse.json({ items: fixtures.branches })
      : notInstalled(request, String(params.owner), String(params.repo)),
  ),
  http.get(`${API}/repos/:owner/:repo/workflows/:workflow/inputs`, ({ params, request }) => {
    if (!known(params.owner, params.repo)) return notInstalled(request, String(params.owner), String(params.repo));
    const ref = new URL(request.url).searchParams.get('ref') ?? 'main';
    const inputs = INPUTS[String(params.workflow)]?.[ref];
    return inputs
      ? HttpResponse.json(inputs)
      : errorResponse(
          404,
          'NotFoundError',
          notFoundMessages.fileAt(`.github/workflows/${String(params.workflow)}`, ref, 'octo-org', 'app'),
          request,
        );
  }),
  http.get(`${API}/repos/:owner/:repo/runs`, ({ params, request }) => {
    if (!known(params.owner, params.repo)) return notInstalled(request, String(params.owner), String(params.repo));
    const workflow = new URL(request.url).searchParams.get('workflow');
    if (!workflow) return HttpResponse.json({ items: fixtures.recentRuns });
    const found = fixtures.workflows.find((w) => w.fileName === workflow || String(w.id) === workflow);
    return found
      ? HttpResponse.json({ items: fixtures.recentRuns.filter((r) => r.workflowId === found.id) })
      : errorResponse(404, 'NotFoundError', notFoundMessages.workflow(workflow, 'octo-org', 'app'), request);
  }),
  http.get(`${API}/repos/:owner/:repo/deployments`, ({ params, request }) =>
    known(params.owner, params.repo)
      ? HttpResponse.json({ items: fixtures.deployments })
      : notInstalled(request, String(params.owner), String(params.repo)),
  ),
  http.get(`${API}/repos/:owner/:repo/runs/:runId`, () => HttpResponse.json(fixtures.run)),
  http.get(`${API}/repos/:owner/:repo/runs/:runId/jobs`, () => HttpResponse.json({ items: fixtures.jobs })),
];
