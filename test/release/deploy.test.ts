import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import type { ConfigError } from '../../backend/src/config';
import { loadConfig } from '../../backend/src/config';
import { BACKEND, IN_CLUSTER_BACKEND_URL, KUBERNETES } from '../../release/spinnakerConfig';
import { servesPath, startBackend } from './backendApp';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped, split into build stages. */
function dockerStages(text: string): { from: string; name?: string; instructions: Instruction[] }[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [image = '', , name] = args.split(/\s+/);
      stages.push({ from: image, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

const last = (instructions: Instruction[], keyword: string) =>
  instructions.filter((i) => i.keyword === keyword).at(-1)?.args;

describe('deploy/Dockerfile', () => {
  const stages = dockerStages(read('deploy/Dockerfile'));
  const runtime = stages.at(-1)!;
  const all = (keyword: string) => stages.flatMap((stage) => stage.instructions.filter((i) => i.keyword === keyword));

  it('runs on node:24-slim (an LTS the backend suite passes on) as a non-root user, built with the same Node', () => {
    expect(runtime.from).toBe('node:24-slim');
    // better-sqlite3's native module is built for the Node that compiles it.
    expect(stages.find((stage) => stage.name === 'toolchain')?.from).toBe(runtime.from);
    const user = last(runtime.instructions, 'USER');
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('starts dist/server.js from the backend directory and exposes the port the backend listens on', () => {
    expect(JSON.parse(last(runtime.instructions, 'CMD')!)).toEqual(['node', 'dist/server.js']);
    expect(last(runtime.instructions, 'WORKDIR')).toBe('/app/backend');
    expect(last(runtime.instructions, 'EXPOSE')).toBe(String(BACKEND.port));
    expect(runtime.instructions.some((i) => i.keyword === 'COPY' && /\/app\/backend\/dist\b/.test(i.args))).toBe(true);
  });

  it('checks /health with node, since the slim image has no curl', () => {
    const healthcheck = last(runtime.instructions, 'HEALTHCHECK')!;
    expect(healthcheck).toMatch(/CMD \["node", "-e", .*\/health/);
  });

  it('keeps the embedded database on a volume the user owns', () => {
    expect(last(runtime.instructions, 'VOLUME')).toBe('/app/backend/data');
    const user = last(runtime.instructions, 'USER')!;
    expect(
      runtime.instructions.some((i) => i.keyword === 'RUN' && i.args.includes(`chown ${user} /app/backend/data`)),
    ).toBe(true);
  });

  it('installs with npm ci, with the toolchain better-sqlite3 compiles with, and ships no dev dependencies', () => {
    const runs = all('RUN').map((i) => i.args);
    expect(runs.some((run) => /apt-get install .*python3.*make.*g\+\+/.test(run))).toBe(true);
    expect(runs.some((run) => /npm ci --workspace backend --omit=dev/.test(run))).toBe(true);
    expect(runs.some((run) => /npm install\b/.test(run))).toBe(false);
    const productionStage = stages.find((stage) =>
      stage.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('--omit=dev')),
    )!;
    const nodeModules = runtime.instructions.filter((i) => i.keyword === 'COPY' && /node_modules/.test(i.args));
    expect(nodeModules.length).toBeGreaterThan(0);
    for (const copy of nodeModules) expect(copy.args).toContain(`--from=${productionStage.name}`);
  });

  it('has a .dockerignore that keeps local installs and build output out of the context, and the sources in', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', 'backend/dist', 'backend/data', '.git']));
    for (const needed of ['backend', 'backend/src', 'package.json', 'package-lock.json']) {
      expect(ignored, needed).not.toContain(needed);
    }
  });
});

const MiB = 1024 * 1024;
const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: MiB, Gi: 1024 * MiB };

/** A Kubernetes quantity of bytes (`4Gi`, `500M`); NaN when there is none. */
function bytesOf(quantity: string | undefined): number {
  const [, number, unit] = /^(\d+)([kMG]i?|Ki)?$/.exec(quantity ?? '') ?? [];
  return number === undefined ? NaN : Number(number) * UNITS[unit ?? '']!;
}

interface Container {
  name: string;
  image: string;
  ports: { name: string; containerPort: number }[];
  envFrom: ({ configMapRef: { name: string } } | { secretRef: { name: string } })[];
  env: { name: string; value: string }[];
  volumeMounts: { name: string; mountPath: string }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: object; limits: object };
  securityContext: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean };
}
interface Deployment {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        containers: Container[];
        volumes: { name: string; secret?: { secretName: string; items: { key: string; path: string }[] } }[];
      };
    };
  };
}
interface Service {
  metadata: { name: string };
  spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
}

describe('deploy/kubernetes', () => {
  const kustomization = parse(read('deploy/kubernetes/kustomization.yaml')) as {
    namespace: string;
    resources: string[];
  };
  const resources = kustomization.resources.map((file) => ({
    file,
    doc: parse(read(`deploy/kubernetes/${file}`)) as { kind: string; metadata: { name: string } },
  }));
  const ofKind = <T>(kind: string) => resources.find((r) => r.doc.kind === kind)!.doc as unknown as T;
  const deployment = ofKind<Deployment>('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0]!;
  const service = ofKind<Service>('Service');
  const configMap = ofKind<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap');
  const secrets = parseAllDocuments(read('deploy/kubernetes/secret.template.yaml')).map(
    (doc) => doc.toJS() as { metadata: { name: string }; stringData: Record<string, string> },
  );

  let backend: Awaited<ReturnType<typeof startBackend>>;
  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(() => backend.close());

  it("probes the backend's /health (liveness) and /ready (readiness) on its port", async () => {
    const port = container.ports.find((p) => p.name === container.livenessProbe.httpGet.port)!;
    expect(port.containerPort).toBe(BACKEND.port);
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: port.name });
    expect((await fetch(`${backend.url}/health`)).status).toBe(200);
    expect(await servesPath(await fetch(`${backend.url}/ready`))).toBe(true);
  });

  it('is reached through a Service on port 8086 that selects the pods, at the URL Spinnaker is given', () => {
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: BACKEND.port, targetPort: 'http' })]);
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(IN_CLUSTER_BACKEND_URL).toBe(
      `http://${service.metadata.name}.${kustomization.namespace}.svc:${service.spec.ports[0]!.port}`,
    );
  });

  it("runs as the image's non-root user, with limits and without privileges", () => {
    const user = last(dockerStages(read('deploy/Dockerfile')).at(-1)!.instructions, 'USER')!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: Number(user.split(':')[0]) });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits).toBeDefined();
  });

  it('keeps job logs on a volume the scheduler counts, with room past the log cache for logs downloading', () => {
    // Node's os.tmpdir() in the image, which sets no TMPDIR.
    const cacheDir = configMap.data.LOG_CACHE_DIR ?? '/tmp';
    const maxBytes = Number(configMap.data.LOG_CACHE_MAX_MB ?? 2048) * MiB;
    const mount = container.volumeMounts.find(
      (m) => cacheDir === m.mountPath || cacheDir.startsWith(`${m.mountPath}/`),
    );
    const volume = pod.volumes.find((v) => v.name === mount?.name) as { emptyDir?: { sizeLimit: string } } | undefined;
    const requests = container.resources.requests as Record<string, string>;

    expect(mount).toBeDefined();
    expect(bytesOf(requests['ephemeral-storage'])).toBeGreaterThanOrEqual(maxBytes);
    // Logs downloading count as they arrive but cannot be deleted before they end: room for a dozen of 124 MB.
    expect(bytesOf(volume?.emptyDir?.sizeLimit)).toBeGreaterThanOrEqual(maxBytes + 12 * 124e6);
  });

  it('mounts the App key where GITHUB_APP_PRIVATE_KEY_PATH points', () => {
    const keyPath = container.env.find((e) => e.name === 'GITHUB_APP_PRIVATE_KEY_PATH')!.value;
    const mount = container.volumeMounts.find((m) => keyPath.startsWith(`${m.mountPath}/`))!;
    const volume = pod.volumes.find((v) => v.name === mount.name)!;
    expect(volume.secret?.secretName).toBe(KUBERNETES.privateKeySecretName);
    expect(volume.secret?.items).toEqual([
      { key: KUBERNETES.privateKeyFile, path: keyPath.slice(mount.mountPath.length + 1) },
    ]);
    const keySecret = secrets.find((s) => s.metadata.name === KUBERNETES.privateKeySecretName)!;
    expect(Object.keys(keySecret.stringData)).toEqual([KUBERNETES.privateKeyFile]);
  });

  it('gives the backend every variable it requires, and only variables it knows', () => {
    const refs = container.envFrom.map((source) =>
      'configMapRef' in source ? source.configMapRef.name : source.secretRef.name,
    );
    expect(refs).toEqual([configMap.metadata.name, KUBERNETES.secretName]);
    const secret = secrets.find((s) => s.metadata.name === KUBERNETES.secretName)!;
    const provided = {
      ...configMap.data,
      ...secret.stringData,
      ...Object.fromEntries(container.env.map((e) => [e.name, e.value])),
    };

    const configSource = read('backend/src/config.ts');
    for (const name of Object.keys(provided)) expect(configSource, `${name} is read by the backend`).toContain(name);

    // Replace the placeholders with valid values and the key file with a real key: the backend must start.
    const dir = mkdtempSync(join(tmpdir(), 'deploy-key-'));
    try {
      const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs1',
        format: 'pem',
      });
      writeFileSync(join(dir, KUBERNETES.privateKeyFile), pem);
      const env = Object.fromEntries(
        Object.entries(provided).map(([name, value]) => [name, value.startsWith('REPLACE') ? SAMPLE[name] : value]),
      );
      env.GITHUB_APP_PRIVATE_KEY_PATH = join(dir, KUBERNETES.privateKeyFile);
      let problems: string[] = [];
      try {
        loadConfig(env);
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Values an operator would put in place of the templates' REPLACE placeholders. */
const SAMPLE: Record<string, string> = {
  GITHUB_APP_ID: '123456',
  DATABASE_URL: 'postgres://spinnaker_github:secret@postgres.example.com:5432/spinnaker_github',
  SPINNAKER_UI_URL: 'https://spinnaker.example.com',
  GITHUB_WEBHOOK_SECRET: 'webhook-secret',
  STAGE_SECRET: 'a-stage-secret-of-32-characters!',
};

/** `kustomize build`, through kustomize or kubectl's built-in copy; undefined when neither is installed. */
function kustomizeCommand(): string[] | undefined {
  for (const command of [
    ['kustomize', 'build'],
    ['kubectl', 'kustomize'],
  ]) {
    try {
      execFileSync(command[0]!, command[0] === 'kubectl' ? ['version', '--client'] : ['version'], { stdio: 'ignore' });
      return command;
    } catch {
      // not installed; try the next
    }
  }
  return undefined;
}
const kustomize = kustomizeCommand();

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
}
const build = (dir: string): Rendered[] =>
  parseAllDocuments(execFileSync(kustomize![0]!, [...kustomize!.slice(1), join(root, dir)], { encoding: 'utf8' })).map(
    (doc) => doc.toJS() as Rendered,
  );

// Without kustomize or kubectl (some CI images) these are skipped; the tests above still read every manifest.
describe.skipIf(!kustomize)('kustomize build of the manifests', () => {
  const deploymentOf = (docs: Rendered[]) =>
    docs.find((doc) => doc.kind === 'Deployment')!.spec as unknown as Deployment['spec'] & {
      replicas: number;
      strategy: { type: string; rollingUpdate?: { maxSurge: number; maxUnavailable: number } };
      template: { spec: { terminationGracePeriodSeconds?: number } };
    };
  const envOf = (spec: ReturnType<typeof deploymentOf>) =>
    Object.fromEntries(spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value]));

  it('deploy/kubernetes: several replicas upgraded one at a time, never fewer ready than before', () => {
    const docs = build('deploy/kubernetes');
    expect(docs.every((doc) => doc.metadata.namespace === KUBERNETES.namespace)).toBe(true);
    const spec = deploymentOf(docs);
    expect(spec.replicas).toBeGreaterThanOrEqual(2);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(docs.map((doc) => doc.kind)).not.toContain('PersistentVolumeClaim');
    expect(spec.template.spec.volumes.map((v) => v.name)).not.toContain('data');

    // Kubernetes kills the pod after terminationGracePeriodSeconds: the drain and the 35 s the backend gives
    // requests in flight (backend/src/server.ts) must fit in it.
    const drainMs = Number(envOf(spec).SHUTDOWN_DRAIN_MS);
    expect(drainMs).toBeGreaterThanOrEqual(5_000);
    expect((spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(drainMs + 35_000);

    const budget = docs.find((doc) => doc.kind === 'PodDisruptionBudget')!;
    expect(budget.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: spec.selector.matchLabels } });
  });

  it('deploy/kubernetes-sqlite: one replica on its volume, replaced by Recreate, without a budget', () => {
    const docs = build('deploy/kubernetes-sqlite');
    expect(docs.every((doc) => doc.metadata.namespace === KUBERNETES.namespace)).toBe(true);
    const spec = deploymentOf(docs);
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'Recreate' });
    expect(docs.map((doc) => doc.kind)).not.toContain('PodDisruptionBudget');
    const claim = docs.find((doc) => doc.kind === 'PersistentVolumeClaim')!;
    const data = spec.template.spec.volumes.find((v) => v.name === 'data') as {
      persistentVolumeClaim?: { claimName: string };
    };
    expect(data.persistentVolumeClaim?.claimName).toBe(claim.metadata.name);
    expect(spec.template.spec.containers[0]!.volumeMounts).toContainEqual({
      name: 'data',
      mountPath: '/app/backend/data',
    });
    expect(envOf(spec).SHUTDOWN_DRAIN_MS).toBe('0');
  });
});
