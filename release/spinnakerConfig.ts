// The one description of how Spinnaker reaches the backend and loads the plugin. release/configFiles.ts renders it
// into config/*.yml (Halyard profiles), deploy/halyard/ and the two Operator patches; test/release/config.test.ts
// fails when a rendered file was edited by hand or disagrees with the backend.
import type { PluginJson } from './pluginRelease';

/** Environment variables of Spinnaker's services (Spring fills `${NAME}` in their profiles at start-up). */
export const SPINNAKER_ENV = {
  backendUrl: 'GITHUB_BACKEND_URL',
  stageSecret: 'GITHUB_STAGE_SECRET',
} as const;

/** What the backend serves and checks (backend/src/app.ts, backend/src/routes/*.ts). */
export const BACKEND = {
  port: 8086,
  dispatchPath: '/stage/dispatch',
  cancelPath: '/stage/cancel',
  echoEventsPath: '/events/echo',
  apiPath: '/api',
  stageSecretHeader: 'X-Stage-Secret',
  stageSecretEnv: 'STAGE_SECRET',
} as const;

/** Gate's proxy id: Deck calls `${gateUrl}/proxies/github/...`, the backend's `/api/...` (src/api/client.ts). */
export const GATE_PROXY_ID = 'github';

/** Kubernetes names shared by deploy/kubernetes and the Operator patches. */
export const KUBERNETES = {
  /** The Secret with the backend's secrets; its STAGE_SECRET key also feeds Orca's GITHUB_STAGE_SECRET. */
  secretName: 'spinnaker-github',
  privateKeySecretName: 'spinnaker-github-app-key',
  privateKeyFile: 'private-key.pem',
  configMapName: 'spinnaker-github',
  serviceName: 'spinnaker-github',
  namespace: 'spinnaker',
} as const;

/**
 * The backend's URL as Spinnaker's services reach it inside the cluster. Orca refuses hosts without a dot and hosts
 * ending in .spinnaker, .local, .localdomain or .internal (orca-core `UserConfiguredUrlRestrictions`), so neither
 * `<service>.spinnaker` nor `...svc.cluster.local`: `<service>.<namespace>.svc` resolves through the pod's DNS search
 * domains and passes.
 */
export const IN_CLUSTER_BACKEND_URL = `http://${KUBERNETES.serviceName}.${KUBERNETES.namespace}.svc:${BACKEND.port}`;

/** The key under `spinnaker.extensibility.repositories`. */
export const PLUGIN_REPOSITORY_ID = 'spinnaker-github-plugin';

const env = (name: string) => '${' + name + '}';
const toJson = (expression: string) => '${#toJson(' + expression + ')}';
const jsonTemplate = (fields: [string, string][]) =>
  `{\n${fields.map(([key, expression]) => `  "${key}": ${toJson(expression)}`).join(',\n')}\n}`;

/** The execution, stage and start time name one stage run; the backend dispatches once per run (docs/orca.md). */
const STAGE_RUN: [string, string][] = [
  ['executionId', 'execution.id'],
  ['stageId', '#currentStage().id'],
  ['stageStartTime', '#currentStage().startTime'],
];

/** The saved stage fields (CONTRACTS.md, "Stage: githubWorkflow"). */
const STAGE_FIELDS = [
  'repository',
  'dispatchType',
  'workflow',
  'ref',
  'inputs',
  'eventType',
  'clientPayload',
  'waitForCompletion',
  'propertyArtifact',
  'propertyFile',
  'checkRun',
];

/**
 * Where Orca keeps the stage secret. `sensitiveHeaders` (Spinnaker 2026.1 and later: orca `WebhookProperties`,
 * `PreconfiguredWebhookStage` leaves it out of the stage context, `WebhookService` adds it when sending) keeps it out
 * of every execution; older releases have only `customHeaders`, which Orca copies into each execution.
 */
export type StageSecretIn = 'sensitiveHeaders' | 'customHeaders';

/** The first Spinnaker release with `sensitiveHeaders`, and the Orca profile for each side of it. */
export const SENSITIVE_HEADERS_SINCE = '2026.1';

export function orcaProfile(secretIn: StageSecretIn = 'sensitiveHeaders') {
  const backendUrl = env(SPINNAKER_ENV.backendUrl);
  const secret = { [BACKEND.stageSecretHeader]: [env(SPINNAKER_ENV.stageSecret)] };
  return {
    webhook: {
      preconfigured: [
        {
          type: 'githubWorkflow',
          label: 'GitHub Workflow',
          description: 'Runs a GitHub Actions workflow and finishes with its result',
          enabled: true,
          url: `${backendUrl}${BACKEND.dispatchPath}`,
          method: 'POST',
          customHeaders: {
            'Content-Type': ['application/json'],
            Accept: ['application/json'],
            ...(secretIn === 'customHeaders' ? secret : {}),
          },
          ...(secretIn === 'sensitiveHeaders' ? { sensitiveHeaders: secret } : {}),
          payload: jsonTemplate([
            ...STAGE_RUN,
            ['application', 'execution.application'],
            ...STAGE_FIELDS.map((field): [string, string] => [field, field]),
          ]),
          statusUrlResolution: 'webhookResponse',
          statusUrlJsonPath: '$.statusUrl',
          statusJsonPath: '$.status',
          progressJsonPath: '$.progress',
          successStatuses: 'SUCCEEDED',
          canceledStatuses: 'CANCELED',
          terminalStatuses: 'TERMINAL',
          cancelEndpoint: `${backendUrl}${BACKEND.cancelPath}`,
          cancelMethod: 'POST',
          cancelPayload: jsonTemplate(STAGE_RUN),
        },
      ],
    },
  };
}

/**
 * Gate's proxy for the plugin's read API only: its `uri` ends at `/api`, so nothing else of the backend can be
 * reached through Gate. No `methods`: Gate binds the field but never reads it (gate-proxy `ProxyController` maps GET,
 * POST, PUT and DELETE), and the read API answers GET only.
 */
export function gateProxies() {
  return [
    {
      id: GATE_PROXY_ID,
      uri: `${env(SPINNAKER_ENV.backendUrl)}${BACKEND.apiPath}`,
      readTimeoutMs: 120000,
    },
  ];
}

/** The plugin repository URL: the plugins.json published with the release (npm run release). */
export const pluginRepositoryUrl = (plugin: PluginJson) =>
  `${plugin.provider}/releases/download/v${plugin.version}/plugins.json`;

/** Gate's deck-proxy settings (gate `DeckPluginConfiguration`, kork `PluginsConfigurationProperties`). */
export function gateExtensibility(plugin: PluginJson) {
  return {
    repositories: { [PLUGIN_REPOSITORY_ID]: { url: pluginRepositoryUrl(plugin) } },
    'deck-proxy': {
      enabled: true,
      plugins: { [plugin.id]: { enabled: true, version: plugin.version } },
    },
  };
}

export function gateProfile(plugin: PluginJson) {
  return { proxies: gateProxies(), spinnaker: { extensibility: gateExtensibility(plugin) } };
}

export function echoProfile() {
  return {
    rest: {
      enabled: true,
      endpoints: [
        {
          url: `${env(SPINNAKER_ENV.backendUrl)}${BACKEND.echoEventsPath}`,
          wrap: false,
          flatten: false,
          retryCount: 3,
        },
      ],
    },
  };
}

/** Which service needs which variable. */
export const SERVICE_ENV = {
  orca: [SPINNAKER_ENV.backendUrl, SPINNAKER_ENV.stageSecret],
  gate: [SPINNAKER_ENV.backendUrl],
  echo: [SPINNAKER_ENV.backendUrl],
} as const;

export type SpinnakerServiceName = keyof typeof SERVICE_ENV;
