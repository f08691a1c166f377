import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import type { ConfigError } from '../../backend/src/config';
import { loadConfig } from '../../backend/src/config';
import { HALYARD_STAGE_SECRET_PLACEHOLDER, renderConfigFiles } from '../../release/configFiles';
import { readPluginJson } from '../../release/pluginRelease';
import {
  BACKEND,
  GATE_PROXY_ID,
  IN_CLUSTER_BACKEND_URL,
  KUBERNETES,
  PLUGIN_REPOSITORY_ID,
  SPINNAKER_ENV,
} from '../../release/spinnakerConfig';
import { TEST_STAGE_SECRET, servesPath, startBackend } from './backendApp';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const yamlAt = <T>(path: string) => parse(read(path)) as T;
const plugin = readPluginJson(join(root, 'plugin.json'));

interface PreconfiguredWebhook {
  type: string;
  url: string;
  customHeaders: Record<string, string[]>;
  sensitiveHeaders?: Record<string, string[]>;
  payload: string;
  cancelEndpoint: string;
  cancelPayload: string;
}
interface OrcaProfile {
  webhook: { preconfigured: PreconfiguredWebhook[] };
}
interface GateProfile {
  proxies: { id: string; uri: string; methods?: string[] }[];
  spinnaker: {
    extensibility: {
      repositories: Record<string, { url: string }>;
      'deck-proxy': { enabled: boolean; plugins: Record<string, { enabled: boolean; version: string }> };
      plugins?: unknown;
    };
  };
}
interface EchoProfile {
  rest: { enabled: boolean; endpoints: { url: string }[] };
}
interface SpinnakerServicePatch {
  apiVersion: string;
  kind: string;
  spec: {
    spinnakerConfig: {
      profiles: { gate: GateProfile; orca: OrcaProfile; echo: EchoProfile };
      'service-settings': Record<string, { env: Record<string, string> }>;
    };
    kustomize: { orca: { deployment: { patchesStrategicMerge: string[] } } };
  };
}
interface ContainerPatch {
  spec: {
    template: {
      spec: {
        containers: {
          name: string;
          env: { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[];
        }[];
      };
    };
  };
}

const backendUrl = '${' + SPINNAKER_ENV.backendUrl + '}';
const orca = () => yamlAt<OrcaProfile>('config/orca-local.yml').webhook.preconfigured[0]!;
const gate = () => yamlAt<GateProfile>('config/gate-local.yml');
const echo = () => yamlAt<EchoProfile>('config/echo-local.yml');
const variablesIn = (text: string) => [...text.matchAll(/\$\{([A-Z_]+)\}/g)].map((match) => match[1]!);

describe('npm run config:generate', () => {
  it('has written every file as release/spinnakerConfig.ts describes it (run it after changing that file)', async () => {
    const files = await renderConfigFiles(plugin, root);
    expect([...files.keys()].sort()).toEqual([
      'config/echo-local.yml',
      'config/gate-local.yml',
      'config/orca-local.before-2026.1.yml',
      'config/orca-local.yml',
      'deploy/armory-operator/kustomization.yaml',
      'deploy/armory-operator/spinnakerservice-patch.yml',
      'deploy/halyard/service-settings/echo.yml',
      'deploy/halyard/service-settings/gate.yml',
      'deploy/halyard/service-settings/orca.yml',
      'deploy/spinnaker-operator/kustomization.yaml',
      'deploy/spinnaker-operator/spinnakerservice-patch.yml',
    ]);
    for (const [path, text] of files) expect(read(path), path).toBe(text);
  });
});

describe('the Spinnaker configuration agrees with the backend', () => {
  let backend: Awaited<ReturnType<typeof startBackend>>;
  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(() => backend.close());

  const post = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${backend.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });

  it("sends Orca's stage calls to the backend's stage endpoints with the header the backend checks", async () => {
    const webhook = orca();
    expect(webhook.url).toBe(`${backendUrl}${BACKEND.dispatchPath}`);
    expect(webhook.cancelEndpoint).toBe(`${backendUrl}${BACKEND.cancelPath}`);
    expect(webhook.sensitiveHeaders?.[BACKEND.stageSecretHeader]).toEqual(['${' + SPINNAKER_ENV.stageSecret + '}']);
    for (const path of [BACKEND.dispatchPath, BACKEND.cancelPath]) {
      expect((await post(path)).status, `${path} without the secret`).toBe(401);
      // With the secret the request passes the guard and fails on the empty body instead.
      expect((await post(path, { [BACKEND.stageSecretHeader]: TEST_STAGE_SECRET })).status, path).toBe(400);
    }
    expect(JSON.parse(webhook.cancelPayload.replace(/\$\{#toJson\(.*?\)\}/g, '0'))).toEqual({
      executionId: 0,
      stageId: 0,
      stageStartTime: 0,
    });
  });

  it('keeps the stage secret out of executions from Spinnaker 2026.1, and has a profile for older releases', () => {
    const secret = { [BACKEND.stageSecretHeader]: ['${' + SPINNAKER_ENV.stageSecret + '}'] };
    // Orca copies customHeaders into every stage context; sensitiveHeaders only into the request it sends.
    expect(orca().sensitiveHeaders).toEqual(secret);
    expect(orca().customHeaders).not.toHaveProperty(BACKEND.stageSecretHeader);
    const older = yamlAt<OrcaProfile>('config/orca-local.before-2026.1.yml').webhook.preconfigured[0]!;
    expect(older.sensitiveHeaders).toBeUndefined();
    expect(older.customHeaders).toMatchObject(secret);
    expect({ ...older, customHeaders: undefined }).toEqual({
      ...orca(),
      customHeaders: undefined,
      sensitiveHeaders: undefined,
    });
  });

  it('names the stage secret STAGE_SECRET on the backend', () => {
    const problems = (() => {
      try {
        loadConfig({});
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems.some((problem) => problem.startsWith(`${BACKEND.stageSecretEnv}:`))).toBe(true);
  });

  it("points Echo's REST endpoint at the backend's event endpoint, which takes Echo's trailing slash", async () => {
    const { rest } = echo();
    expect(rest.enabled).toBe(true);
    expect(rest.endpoints.map((endpoint) => endpoint.url)).toEqual([`${backendUrl}${BACKEND.echoEventsPath}`]);
    const event = JSON.stringify({ details: { source: 'echo', type: 'build' }, content: {} });
    const answer = await fetch(`${backend.url}${BACKEND.echoEventsPath}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: event,
    });
    expect(answer.status).toBe(200);
  });

  it("lets Gate's proxy reach the backend's read API and nothing else, and the plugin's reads go there", async () => {
    const [proxy] = gate().proxies;
    expect(gate().proxies).toEqual([
      { id: GATE_PROXY_ID, uri: `${backendUrl}${BACKEND.apiPath}`, readTimeoutMs: 120000 },
    ]);
    // Gate forwards /proxies/github/<rest> to the proxy's uri + <rest>, for GET, POST, PUT and DELETE alike
    // (gate-proxy ProxyController); its firewall refuses /../ and encoded dots or slashes before that.
    const throughGate = (rest: string, method: string) =>
      fetch(`${proxy!.uri.replace(backendUrl, backend.url)}${rest}`, {
        method,
        headers: { 'content-type': 'application/json', [BACKEND.stageSecretHeader]: TEST_STAGE_SECRET },
        body: method === 'POST' || method === 'PUT' ? '{}' : undefined,
      });
    // Each served straight from the backend, as Prometheus, Kubernetes, Orca, Echo and GitHub call it (/ready is
    // left out here only because it asks GitHub, which this backend cannot reach; health.ts serves it with /health).
    const outOfReach = Object.entries({
      '/metrics': 'GET',
      '/health': 'GET',
      '/events/echo': 'POST',
      '/stage/dispatch': 'POST',
      '/stage/cancel': 'POST',
      '/stage/runs/octo-org/app/1': 'GET',
      '/webhooks/github': 'POST',
    });
    for (const [path, method] of outOfReach) {
      expect(await servesPath(await fetch(`${backend.url}${path}`, { method })), path).toBe(true);
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        expect(await servesPath(await throughGate(path, method)), `${method} /proxies/github${path}`).toBe(false);
      }
    }
    for (const method of ['GET', 'POST']) expect(await servesPath(await throughGate('/ready', method))).toBe(false);
    expect(read('src/api/client.ts')).toContain(`const API_PREFIX = '/proxies/${GATE_PROXY_ID}';`);
    expect(read('src/logs/logsClient.ts')).toContain(`/proxies/${GATE_PROXY_ID}\${path}`);
    expect(await servesPath(await throughGate('/repos', 'GET'))).toBe(true);
  });

  it("has Gate serve this plugin's release to Deck, and not load it as a Java plugin", () => {
    const { extensibility } = gate().spinnaker;
    expect(extensibility.repositories).toEqual({
      [PLUGIN_REPOSITORY_ID]: {
        url: `${plugin.provider}/releases/download/v${plugin.version}/plugins.json`,
      },
    });
    expect(extensibility['deck-proxy']).toEqual({
      enabled: true,
      plugins: { [plugin.id]: { enabled: true, version: plugin.version } },
    });
    expect(extensibility.plugins).toBeUndefined();
  });
});

describe('the Operator patches', () => {
  const services = ['gate', 'orca', 'echo'];
  const cases = [
    ['deploy/spinnaker-operator', 'spinnaker.io'],
    ['deploy/armory-operator', 'spinnaker.armory.io'],
  ] as const;

  it.each(cases)('%s patches a %s/v1alpha2 SpinnakerService with the three profiles', (dir, group) => {
    const patch = yamlAt<SpinnakerServicePatch>(`${dir}/spinnakerservice-patch.yml`);
    expect(patch.apiVersion).toBe(`${group}/v1alpha2`);
    expect(patch.kind).toBe('SpinnakerService');
    expect(patch.spec.spinnakerConfig.profiles).toEqual({
      gate: gate(),
      orca: { webhook: { preconfigured: [orca()] } },
      echo: echo(),
    });
    const component = yamlAt<{ kind: string; patches: { path: string; target: object }[] }>(
      `${dir}/kustomization.yaml`,
    );
    expect(component.kind).toBe('Component');
    expect(component.patches).toEqual([
      { path: 'spinnakerservice-patch.yml', target: { group, version: 'v1alpha2', kind: 'SpinnakerService' } },
    ]);
  });

  it.each(cases)('%s gives every service the variables its profile uses', (dir) => {
    const patch = yamlAt<SpinnakerServicePatch>(`${dir}/spinnakerservice-patch.yml`);
    const settings = patch.spec.spinnakerConfig['service-settings'];
    const [orcaPatch] = patch.spec.kustomize.orca.deployment.patchesStrategicMerge.map(
      (text) => parse(text) as ContainerPatch,
    );
    const orcaSecretEnv = orcaPatch!.spec.template.spec.containers.find((c) => c.name === 'orca')!.env;
    for (const service of services) {
      const provided = new Set(Object.keys(settings[service]!.env));
      if (service === 'orca') orcaSecretEnv.forEach((env) => provided.add(env.name));
      const used = variablesIn(JSON.stringify(patch.spec.spinnakerConfig.profiles[service as 'gate']));
      expect(used.length, service).toBeGreaterThan(0);
      for (const name of used) expect(provided, `${service} needs ${name}`).toContain(name);
      expect(settings[service]!.env[SPINNAKER_ENV.backendUrl]).toBe(IN_CLUSTER_BACKEND_URL);
    }
    // Orca's secret comes from the backend's own Secret, so both sides hold one value.
    expect(orcaSecretEnv).toEqual([
      {
        name: SPINNAKER_ENV.stageSecret,
        valueFrom: { secretKeyRef: { name: KUBERNETES.secretName, key: BACKEND.stageSecretEnv } },
      },
    ]);
    const secrets = parseAllDocuments(read('deploy/kubernetes/secret.template.yaml')).map(
      (doc) => doc.toJS() as { metadata: { name: string }; stringData: Record<string, string> },
    );
    expect(secrets.find((s) => s.metadata.name === KUBERNETES.secretName)!.stringData).toHaveProperty(
      BACKEND.stageSecretEnv,
    );
  });
});

describe('the Halyard files', () => {
  it.each(['gate', 'orca', 'echo'])('service-settings/%s.yml defines every variable of its profile', (service) => {
    const { env } = yamlAt<{ env: Record<string, string> }>(`deploy/halyard/service-settings/${service}.yml`);
    const used = [...new Set(variablesIn(read(`config/${service}-local.yml`).replace(/^#.*$/gm, '')))];
    expect(Object.keys(env).sort()).toEqual(used.sort());
    if (service === 'orca') expect(env[SPINNAKER_ENV.stageSecret]).toBe(HALYARD_STAGE_SECRET_PLACEHOLDER);
  });
});
