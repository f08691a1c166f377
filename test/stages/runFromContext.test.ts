import {
  progressFromContext,
  runFromContext,
  webhookErrorFromContext,
} from '../../src/stages/githubWorkflow/runFromContext';
import { dispatchedContext, failedDispatchContext, polledContext } from './contexts';

describe('runFromContext', () => {
  it('reads the run from the dispatch response until Orca has polled', () => {
    expect(runFromContext({ context: dispatchedContext })).toEqual({
      owner: 'octo-org',
      repo: 'app',
      runId: 30433642,
      runAttempt: 1,
      runNumber: 562,
      name: 'Deploy',
      htmlUrl: 'https://github.com/octo-org/app/actions/runs/30433642',
      status: 'queued',
      conclusion: null,
      headBranch: 'main',
      headSha: 'acb5820ced9479c074f688cc328bf03f341a511d',
    });
  });

  it("prefers the latest poll's run", () => {
    expect(runFromContext({ context: polledContext })).toMatchObject({ runId: 30433642, status: 'in_progress' });
    expect(progressFromContext({ context: polledContext })).toBe('1 of 2 jobs done');
  });

  it('keeps the dispatch fields a poll does not repeat', () => {
    const context = {
      webhook: {
        ...dispatchedContext.webhook,
        monitor: { body: { status: 'SUCCEEDED', run: { status: 'completed' } } },
      },
    };
    expect(runFromContext({ context })).toMatchObject({
      runId: 30433642,
      htmlUrl: expect.any(String),
      status: 'completed',
    });
  });

  it('has no run before the dispatch answered, or when it failed', () => {
    expect(runFromContext({ context: {} })).toBeUndefined();
    expect(runFromContext({ context: { webhook: { monitor: { body: 'Bad Gateway' } } } })).toBeUndefined();
    expect(runFromContext({ context: failedDispatchContext })).toBeUndefined();
  });

  it("gives the backend's message when the dispatch failed", () => {
    expect(webhookErrorFromContext({ context: failedDispatchContext })).toBe(
      '.github/workflows/ci.yml has no workflow_dispatch trigger at main.',
    );
    expect(webhookErrorFromContext({ context: { webhook: { error: 'Socket timeout' } } })).toBe('Socket timeout');
    expect(webhookErrorFromContext({ context: polledContext })).toBeUndefined();
  });

  it("gives the backend's message, not Spring's exception around it, when a poll failed", () => {
    // Orca keeps no body for a failed poll: its error text ends with the response body (MonitorWebhookTask).
    const body = JSON.stringify({
      error: { name: 'NotFoundError', message: 'Run 7 of octo-org/app does not exist (it may have been deleted).' },
      request: { method: 'GET', url: '/stage/runs/octo-org/app/7' },
      response: { statusCode: 404 },
    });
    const error = `an exception occurred in webhook monitor to https://spinnaker-github.example.com/stage/runs/octo-org/app/7: org.springframework.web.client.HttpClientErrorException$NotFound: 404 Not Found: "${body}"`;

    expect(webhookErrorFromContext({ context: { webhook: { body: { runId: 7 }, monitor: { error } } } })).toBe(
      'Run 7 of octo-org/app does not exist (it may have been deleted).',
    );
    const noBody = 'an exception occurred in webhook monitor to https://x/stage/runs/o/r/7: 502 Bad Gateway: [no body]';
    expect(webhookErrorFromContext({ context: { webhook: { monitor: { error: noBody } } } })).toBe(noBody);
  });
});
