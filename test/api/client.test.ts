import { http, HttpResponse } from 'msw';

import { getWorkflowInputs, listRepositories, listWorkflows } from '../../src/api/client';
import { ResponseError } from '../../src/api/ResponseError';
import { bootstrapAngular } from '../angular';
import { repositories } from '../msw/fixtures';
import { API, GATE_URL } from '../msw/handlers';
import { requests, server, useMswServer } from '../msw/server';
import { notFoundMessages } from '../../backend/src/github/notFoundMessages';

useMswServer();
beforeAll(() => bootstrapAngular());

describe('api/client', () => {
  it("reads the backend through Gate's github proxy", async () => {
    expect(await listRepositories()).toEqual(repositories);
    expect(requests).toEqual(['/proxies/github/repos']);
  });

  it('encodes path segments and sends the ref as a query parameter', async () => {
    await getWorkflowInputs({ owner: 'octo-org', repo: 'app', workflow: 'deploy.yml', ref: 'release/1.x' });
    expect(requests).toEqual(['/proxies/github/repos/octo-org/app/workflows/deploy.yml/inputs?ref=release%2F1.x']);
  });

  it("rejects with the backend's error name, status and message", async () => {
    const error = await listWorkflows({ owner: 'octo-org', repo: 'x' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error).toMatchObject({
      status: 404,
      errorName: 'NotFoundError',
      message: notFoundMessages.installation('octo-org', 'x'),
    });
  });

  it('says so when Gate itself refuses, e.g. without a github proxy', async () => {
    // Gate's ProxyController throws InvalidRequestException; Spring writes its error attributes.
    server.use(
      http.get(`${API}/repos`, () =>
        HttpResponse.json(
          {
            timestamp: 1737366127000,
            status: 400,
            error: 'Bad Request',
            message: "No proxy config found with id 'github'",
            path: '/proxies/github/repos',
          },
          { status: 400 },
        ),
      ),
    );

    await expect(listRepositories()).rejects.toMatchObject({
      status: 400,
      message: "No proxy config found with id 'github' (HTTP 400)",
    });
  });

  it('says so when no response arrives', async () => {
    server.use(http.get(`${GATE_URL}/proxies/github/repos`, () => HttpResponse.error()));

    await expect(listRepositories()).rejects.toMatchObject({
      status: 0,
      message: expect.stringMatching(/^No response from Gate/),
    });
  });
});
