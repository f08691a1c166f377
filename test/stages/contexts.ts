import { run } from '../msw/fixtures';

// Stage contexts as Orca's webhook stage writes them (orca-webhook WebhookStage.WebhookResponseStageData):
// CreateWebhookTask stores the dispatch response under `webhook`, MonitorWebhookTask each poll under `webhook.monitor`.

// docs/orca.md, "The run in the execution context".
const dispatchBody = {
  owner: 'octo-org',
  repo: 'app',
  runId: run.id,
  runAttempt: 1,
  runNumber: run.runNumber,
  name: run.name,
  htmlUrl: run.htmlUrl,
  status: 'queued',
  conclusion: null,
  headBranch: run.headBranch,
  headSha: run.headSha,
  statusUrl: 'https://spinnaker-github.example.com/stage/runs/octo-org/app/30433642',
};

export const dispatchedContext = {
  repository: 'octo-org/app',
  workflow: 'deploy.yml',
  statusEndpoint: dispatchBody.statusUrl,
  webhook: {
    statusCode: 'OK',
    statusCodeValue: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: dispatchBody,
    statusEndpoint: dispatchBody.statusUrl,
  },
};

export const polledContext = {
  ...dispatchedContext,
  webhook: {
    ...dispatchedContext.webhook,
    monitor: {
      statusCode: 'OK',
      statusCodeValue: 200,
      body: {
        status: 'RUNNING',
        progress: '1 of 2 jobs done',
        run: { ...dispatchBody, status: 'in_progress' },
      },
    },
  },
};

export const failedDispatchContext = {
  repository: 'octo-org/app',
  workflow: 'ci.yml',
  webhook: {
    statusCode: 'UNPROCESSABLE_ENTITY',
    statusCodeValue: 422,
    body: {
      error: {
        name: 'UnprocessableError',
        message: '.github/workflows/ci.yml has no workflow_dispatch trigger at main.',
      },
      request: { method: 'POST', url: '/stage/dispatch' },
      response: { statusCode: 422 },
    },
    error:
      'Error submitting webhook for pipeline 01JH to https://spinnaker-github.example.com/stage/dispatch with status code 422.',
  },
};
