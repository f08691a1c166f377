import { http, HttpResponse } from 'msw';

import { GATE_URL } from './handlers';

// Gate passes Orca's GET /webhooks/preconfigured through (orca-web OperationsController.preconfiguredWebhooks).
export const preconfiguredWebhooks = [
  {
    label: 'GitHub Workflow',
    description: 'Runs a GitHub Actions workflow through the GitHub plugin backend',
    type: 'githubWorkflow',
    waitForCompletion: true,
    preconfiguredProperties: [
      'url',
      'customHeaders',
      'method',
      'payload',
      'waitForCompletion',
      'statusUrlResolution',
      'statusUrlJsonPath',
      'statusJsonPath',
      'progressJsonPath',
      'successStatuses',
      'canceledStatuses',
      'terminalStatuses',
      'cancelEndpoint',
      'cancelMethod',
      'cancelPayload',
    ],
    noUserConfigurableFields: true,
    parameters: null,
    parameterData: null,
  },
  {
    label: 'Notify Ops',
    description: 'Posts to the ops channel',
    type: 'notifyOps',
    waitForCompletion: false,
    preconfiguredProperties: ['url', 'method'],
    noUserConfigurableFields: false,
    parameters: [{ name: 'channel', label: 'Channel', type: 'string', defaultValue: '#ops' }],
    parameterData: null,
  },
];

export const preconfiguredWebhooksHandler = http.get(`${GATE_URL}/webhooks/preconfigured`, () =>
  HttpResponse.json(preconfiguredWebhooks),
);
