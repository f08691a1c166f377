import { randomBytes, randomUUID } from 'node:crypto';
import { HttpResponse, http, type HttpHandler } from 'msw';
import { actionsRoutes } from './actionsRoutes.js';
import { appRoutes } from './appRoutes.js';
import { checksRoutes } from './checksRoutes.js';
import { appKeyPair, looksLikeJwt, parseAuthorization, verifyAppJwt } from './auth.js';
import { API } from './entities.js';
import { eventFor, type SimulatedEvent } from './events.js';
import { faultResponse, pathMatches, takeFault, type Fault, type FaultMatch, type PendingFault } from './faults.js';
import { indexLog, LOG_HOST, logStream, logUrlSigner, type LogIndex } from './logs.js';
import { validateRequest, validateResponse, type MatchedOperation } from './openapi.js';
import { deploymentRoutes, repoRoutes } from './repoRoutes.js';
import {
  error,
  matchesEtag,
  notFound,
  RateLimits,
  rateLimitHeaders,
  requestId,
  weakEtag,
  type SimResponse,
} from './responses.js';
import { Answer, type Caller, type Route } from './routeContext.js';
import { seedWorld } from './seedWorld.js';
import type { AddRunOptions, World } from './world.js';
import type { CheckRun, RunConclusion, RunStatus, WorkflowRun } from './types.js';

export type { Fault, FaultMatch } from './faults.js';
export type { SimulatedEvent } from './events.js';

/** Where GitHub's artifact download redirects to: Azure blob storage, signed for a minute. */
export const ARTIFACT_HOST = 'https://productionresultssa0.blob.core.windows.net';
export { SEED } from './seed.js';

export interface RecordedRequest {
  host: 'api' | 'logs' | 'artifacts';
  method: string;
  /** URL-decoded path below the API base URL, e.g. `/repos/octo-org/hello-world/contents/.github/workflows/deploy.yml`. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; `authorization` keeps its scheme, the credentials are redacted. */
  headers: Record<string, string>;
  body?: unknown;
  status: number;
  operationId?: string;
  /** The matched path template, e.g. `/repos/{owner}/{repo}/actions/runs/{run_id}`. */
  template?: string;
  /** Which credential GitHub saw: `app`, `installation:11`, or `anonymous`. */
  caller?: string;
  /** When it arrived (epoch ms). */
  at: number;
  /** The log host: the bytes of log its answer carries (the whole log, or the range asked for). */
  bytes?: number;
}

const ROUTES: Record<string, Route> = {
  ...appRoutes,
  ...repoRoutes,
  ...deploymentRoutes,
  ...actionsRoutes,
  ...checksRoutes,
};
const EXPOSED =
  'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset';

const safeDecode = (path: string) => {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};

/**
 * A GitHub for tests, at the network boundary: msw handlers for the REST API and the Actions log host.
 * Every request and every answer is checked against GitHub's OpenAPI description; mismatches land in `violations`.
 */
export class GithubSimulator {
  readonly apiUrl: string;
  readonly handlers: HttpHandler[];
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  private world: World = seedWorld();
  private faults: PendingFault[] = [];
  private minted = 0;
  private readonly rateLimits = new RateLimits();
  private readonly logUrls = logUrlSigner(randomBytes(16).toString('hex'), randomBytes(24).toString('base64url'));
  private readonly basePath: string;
  private readonly eventListeners = new Set<(event: SimulatedEvent) => void>();
  private readonly artifactUrls = new Map<string, { artifactId: number; expiresAt: number }>();
  private readonly heldLogs = new Map<number, { bytes: number; released: Promise<void> }>();
  private heldRequests: Array<Pick<FaultMatch, 'method' | 'path'> & { released: Promise<void> }> = [];
  private readonly logIndexes = new Map<number, LogIndex>();
  /** Logs the host has only written part of so far: their bytes up to this length. */
  private readonly writtenLogs = new Map<number, number>();

  constructor({ apiUrl = API }: { apiUrl?: string } = {}) {
    this.watchWorld();
    this.apiUrl = apiUrl.replace(/\/+$/, '');
    this.basePath = new URL(this.apiUrl).pathname.replace(/\/+$/, '');
    this.handlers = [
      http.all(`${LOG_HOST}/*`, ({ request }) => this.serveLog(request)),
      http.all(`${ARTIFACT_HOST}/*`, ({ request }) => this.serveArtifact(request)),
      http.all(`${this.apiUrl}/*`, ({ request }) => this.serveApi(request)),
    ];
  }

  /** The App as configured in the backend: id and PKCS#1 private key (PEM). */
  get app(): { id: number; slug: string; privateKey: string } {
    return { id: this.world.app.id, slug: this.world.app.slug ?? '', privateKey: this.world.app.privateKey };
  }

  get installations(): World['installations'] {
    return this.world.installations;
  }

  get repos(): World['repos'] {
    return this.world.repos;
  }

  get runs(): World['runs'] {
    return this.world.runs;
  }

  get jobs(): World['jobs'] {
    return this.world.jobs;
  }

  /** Dispatches GitHub accepted, with the inputs as sent. */
  get dispatches(): World['dispatches'] {
    return this.world.dispatches;
  }

  /** Installation tokens minted by POST /app/installations/{id}/access_tokens. */
  get tokensIssued(): number {
    return this.minted;
  }

  addRun(options: AddRunOptions): WorkflowRun {
    const run = this.world.addRun(options);
    for (const jobId of this.world.runs.get(Number(run.id))?.jobIds ?? []) {
      const log = this.world.jobs.get(jobId)?.log;
      if (log !== undefined) this.logIndex(jobId, log);
    }
    return run;
  }

  setRunStatus(runId: number, status: RunStatus, conclusion: RunConclusion = null): void {
    this.world.setRunStatus(runId, status, conclusion);
  }

  /** Ends one job while its run goes on; its `workflow_job` completed event goes to `onEvent` listeners. */
  completeJob(jobId: number, conclusion: 'success' | 'failure' | 'cancelled'): void {
    this.world.completeJob(jobId, conclusion);
  }

  /**
   * The log host measures the log now, as a blob host knows a blob's size before anyone reads it. With `written`, the
   * host has only the log's first `written` bytes so far, as a blob still being appended to, which may end inside a
   * character.
   */
  setJobLog(jobId: number, text: string, { written }: { written?: number } = {}): void {
    this.world.setJobLog(jobId, text);
    this.logIndex(jobId, text);
    if (written === undefined) this.writtenLogs.delete(jobId);
    else this.writtenLogs.set(jobId, written);
  }

  /**
   * The log host sends the first `bytes` of the job's log, then waits for `release()` to send the rest, as a large log
   * arrives over time.
   */
  holdJobLog(jobId: number, bytes: number): () => void {
    let release = () => {};
    this.heldLogs.set(jobId, { bytes, released: new Promise<void>((resolve) => (release = resolve)) });
    return release;
  }

  /**
   * Deletes the logs of a run's jobs, as `DELETE /repos/{owner}/{repo}/actions/runs/{run_id}/logs` does (someone found
   * a secret in them): their download is refused from then on.
   */
  deleteRunLogs(runId: number): void {
    for (const jobId of this.world.runs.get(runId)?.jobIds ?? []) {
      this.world.deleteJobLog(jobId);
      this.logIndexes.delete(jobId);
    }
  }

  /** The log host sends the first `bytes` of the job's log, then breaks the connection off, as a dropped download. */
  breakJobLog(jobId: number, bytes: number): void {
    const broken = Promise.reject(new TypeError('terminated'));
    broken.catch(() => undefined);
    this.heldLogs.set(jobId, { bytes, released: broken });
  }

  /** The id of the last artifact uploaded under `name`. */
  artifactIdOf(name: string): number | undefined {
    return [...this.world.artifacts.values()].filter((entry) => entry.artifact.name === name).at(-1)?.artifact.id;
  }

  addArtifact(runId: number, options: Parameters<World['addArtifact']>[1]): ReturnType<World['addArtifact']> {
    return this.world.addArtifact(runId, options);
  }

  setWorkflowFile(owner: string, repo: string, path: string, ref: string, content: string): void {
    this.world.setWorkflowFile(owner, repo, path, ref, content);
  }

  /** The next `times` (default 1) matching requests get `fault` instead of their answer. */
  failNext(match: FaultMatch, fault: Fault): void {
    this.faults.push({ ...match, times: match.times ?? 1, retryAfterSeconds: match.retryAfterSeconds ?? 1, fault });
  }

  /**
   * The next request that matches waits for `release()` before it is answered, as a slow GitHub would: the answer is
   * the one GitHub gives when released.
   */
  holdNext(match: Pick<FaultMatch, 'method' | 'path'>): () => void {
    let release = () => {};
    this.heldRequests.push({ ...match, released: new Promise<void>((resolve) => (release = resolve)) });
    return release;
  }

  /** Counts `requests` more against the installation's hourly rate limit, as other clients of the App would. */
  useRateLimit(installationId: number, requests: number): void {
    for (let i = 0; i < requests; i++) this.rateLimits.take(`installation:${installationId}`);
  }

  /** Requests that reached the simulator (faulted ones included); `method` `*` counts every method. */
  count(method: string, path: string | RegExp): number {
    return this.requests.filter(
      (r) => (method === '*' || r.method === method.toUpperCase()) && pathMatches(path, [r.path, r.template]),
    ).length;
  }

  get deployments(): World['deployments'] {
    return this.world.deployments;
  }

  addDeployment(options: Parameters<World['addDeployment']>[0]): ReturnType<World['addDeployment']> {
    return this.world.addDeployment(options);
  }

  /** Every check run, by id. */
  get checkRuns(): World['checkRuns'] {
    return this.world.checkRuns;
  }

  /** The check runs on a commit of `owner/repo`, oldest first, as GitHub stores them (`checks/list-for-ref` reads them). */
  checkRunsOn(owner: string, repo: string, sha: string): CheckRun[] {
    const name = `${owner}/${repo}`.toLowerCase();
    return [...this.world.checkRuns.values()]
      .filter((state) => state.repo === name && state.checkRun.head_sha === sha)
      .map((state) => state.checkRun);
  }

  /** The App's bot account, the actor of runs the backend starts. */
  get bot(): World['bot'] {
    return this.world.bot;
  }

  /**
   * GitHub Enterprise Server before 3.21: a dispatch that names `return_run_details` gets
   * `422 Invalid request.\n\n"return_run_details" is not a permitted key.` (or 400, as older releases may answer)
   * and starts nothing; without it, 204.
   */
  withoutRunDetails({ status = 422 }: { status?: 400 | 422 } = {}): void {
    this.world.runDetailsRefusal = status;
  }

  /**
   * Opt-in: `listener` gets the `workflow_run` and `workflow_job` deliveries GitHub would send as runs and jobs move
   * on (created, dispatched, `setRunStatus`, cancelled), each checked against the webhook's schema. Answers a function
   * that stops the listening. Sending them to the backend is the caller's part (test/support/deliveries.ts).
   */
  onEvent(listener: (event: SimulatedEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private watchWorld(): void {
    const world = this.world;
    world.onChange = (change) => {
      if (!this.eventListeners.size) return;
      const { event, violations } = eventFor(world, change);
      this.violations.push(...violations);
      for (const listener of this.eventListeners) listener(event);
    };
  }

  /** The violations recorded so far, cleared: for tests that provoke one on purpose. */
  takeViolations(): string[] {
    return this.violations.splice(0);
  }

  /** Back to the seeded world: no requests, violations, faults, tokens or rate-limit use. */
  reset(): void {
    this.world = seedWorld();
    this.watchWorld();
    this.eventListeners.clear();
    this.requests.length = 0;
    this.violations.length = 0;
    this.faults = [];
    this.minted = 0;
    this.rateLimits.clear();
    this.artifactUrls.clear();
    this.heldLogs.clear();
    this.heldRequests = [];
    this.logIndexes.clear();
    this.writtenLogs.clear();
  }

  private async serveApi(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const rawPath = url.pathname.slice(this.basePath.length) || '/';
    const record = this.record('api', request, safeDecode(rawPath), url);
    const text = method === 'GET' || method === 'HEAD' ? '' : await request.text();
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        this.violations.push(`${method} ${rawPath}: request body is not JSON`);
        return this.finish(record, undefined, error(400, 'Problems parsing JSON'), { kind: 'anonymous' });
      }
    }
    record.body = body;
    const checked = validateRequest({ method, url: `${rawPath}${url.search}`, body });
    this.violations.push(...checked.violations);
    const operation = checked.operation;
    if (operation) {
      record.operationId = operation.operationId;
      record.template = operation.template;
    }

    const route = operation && ROUTES[operation.operationId];
    const caller = this.authenticate(route?.auth ?? 'installation', request.headers.get('authorization'));
    record.caller =
      'failure' in caller
        ? 'rejected'
        : caller.kind === 'installation'
          ? `installation:${caller.installationId}`
          : caller.kind;
    const candidates = [record.path, rawPath, operation?.template];
    const held = this.heldRequests.findIndex(
      (hold) => (!hold.method || hold.method.toUpperCase() === method) && pathMatches(hold.path, candidates),
    );
    if (held >= 0) await this.heldRequests.splice(held, 1)[0]!.released;
    const pending = takeFault(this.faults, method, candidates);
    const who = 'failure' in caller ? { kind: 'anonymous' as const } : caller;
    if (pending && pending.fault !== 'malformed-json') {
      return this.finish(record, undefined, faultResponse(pending, who.kind === 'installation' ? who : {}), who);
    }

    let answer: SimResponse;
    if (!operation) answer = notFound();
    else if (!route) {
      this.violations.push(
        `${method} ${rawPath}: ${operation.operationId} is not simulated; add it to the GitHub simulator`,
      );
      answer = notFound(operation.docsUrl);
    } else if ('failure' in caller) answer = error(caller.failure.status, caller.failure.message);
    else answer = this.run(route, { operation, url, headers: request.headers, body, caller });
    if (answer.status === 201 && operation?.operationId === 'apps/create-installation-access-token') this.minted += 1;
    return this.finish(record, pending ? undefined : operation, answer, who, pending !== undefined);
  }

  private run(
    route: Route,
    ctx: { operation: MatchedOperation; url: URL; headers: Headers; body: unknown; caller: Caller },
  ): SimResponse {
    try {
      return route.handle({
        ...ctx,
        world: this.world,
        signLogUrl: (jobId) => this.logUrls.sign(jobId),
        signArtifactUrl: (artifactId) => this.signArtifactUrl(artifactId),
      });
    } catch (thrown) {
      if (thrown instanceof Answer) return thrown.response;
      throw thrown;
    }
  }

  private authenticate(
    needs: Route['auth'],
    header: string | null,
  ): Caller | { failure: { status: number; message: string } } {
    const auth = parseAuthorization(header);
    if (needs === 'app') {
      if (!auth) return { failure: { status: 401, message: 'Requires authentication' } };
      const failure = verifyAppJwt(auth.credentials, { id: this.world.app.id, publicKey: appKeyPair().publicKey });
      return failure ? { failure } : { kind: 'app' };
    }
    if (!auth) return { kind: 'anonymous' };
    const issued = looksLikeJwt(auth.credentials) ? undefined : this.world.tokens.get(auth.credentials);
    // An unknown, expired, or wrong kind of credential (an App JWT) is refused the same way.
    if (!issued || issued.expiresAt <= Date.now()) return { failure: { status: 401, message: 'Bad credentials' } };
    return { kind: 'installation', token: auth.credentials, ...issued };
  }

  private finish(
    record: RecordedRequest,
    operation: MatchedOperation | undefined,
    answer: SimResponse,
    caller: Caller | { kind: 'anonymous' },
    malformed = false,
  ): Response {
    const identity = caller.kind === 'installation' ? `installation:${caller.installationId}` : caller.kind;
    let text = answer.text ?? (answer.json === undefined ? undefined : JSON.stringify(answer.json));
    if (text !== undefined && this.apiUrl !== API) text = text.split(API).join(this.apiUrl);
    const headers: Record<string, string> = {
      date: new Date(Date.now()).toUTCString(),
      'x-github-request-id': requestId(),
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': answer.text !== undefined ? 'github.v3; param=raw' : 'github.v3; format=json',
      'access-control-expose-headers': EXPOSED,
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding',
    };
    let status = answer.status;
    let notModified = false;
    if (answer.cacheable && status === 200 && text !== undefined) {
      const etag = weakEtag(text);
      Object.assign(headers, { etag, 'cache-control': 'private, max-age=60, s-maxage=60' });
      if (answer.lastModified) headers['last-modified'] = answer.lastModified;
      notModified = record.method === 'GET' && matchesEtag(record.headers['if-none-match'] ?? null, etag);
    }
    // A 304 does not count against the rate limit (https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
    Object.assign(
      headers,
      rateLimitHeaders(
        this.rateLimits.take(identity, { free: notModified, limit: caller.kind === 'anonymous' ? 60 : 5000 }),
      ),
    );
    if (notModified) {
      status = 304;
      text = undefined;
    } else if (text !== undefined) {
      headers['content-type'] = answer.contentType ?? 'application/json; charset=utf-8';
    }
    Object.assign(headers, answer.headers);
    if (operation && !malformed) {
      this.violations.push(
        ...validateResponse(operation, {
          status,
          contentType: headers['content-type'],
          body: notModified ? undefined : answer.json,
        }),
      );
    }
    if (malformed && text !== undefined) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    record.status = status;
    return new HttpResponse(text ?? null, { status, headers });
  }

  /** GitHub's redirects lead to hosts that must never see our token: a request that carries one is a violation. */
  private refuseCredentials(request: Request, where: string, host: string): void {
    if (!request.headers.has('authorization')) return;
    this.violations.push(
      `GET ${where}: ${host} received an Authorization header; GitHub credentials must not leave api.github.com`,
    );
  }

  private serveLog(request: Request): Response {
    const url = new URL(request.url);
    const record = this.record('logs', request, safeDecode(url.pathname), url);
    this.refuseCredentials(request, `${LOG_HOST}${url.pathname}`, 'the log host');
    const reply = (status: number, text: string) => {
      record.status = status;
      return new HttpResponse(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    };
    const pending = takeFault(this.faults, record.method, [record.path]);
    if (pending && typeof pending.fault === 'object') {
      record.status = pending.fault.status;
      return HttpResponse.json(pending.fault.body ?? {}, {
        status: pending.fault.status,
        headers: pending.fault.headers,
      });
    }
    const verified = this.logUrls.verify(url);
    if ('refused' in verified)
      return reply(403, verified.refused === 'expired' ? 'The signed URL has expired.' : 'The signature is not valid.');
    const log = this.world.jobs.get(verified.jobId)?.log;
    if (log === undefined) return reply(404, 'Not Found');
    const index = this.logIndex(verified.jobId, log);
    const size = Math.min(index.size, this.writtenLogs.get(verified.jobId) ?? Infinity);
    // Azure blob storage honours `Range: bytes=N-` and `bytes=N-M` (x-ms-range first): 206 with Content-Range, or 416
    // when N is not below the size (https://learn.microsoft.com/rest/api/storageservices/specifying-the-range-header-for-blob-service-operations).
    const asked = /^bytes=(\d+)-(\d*)$/.exec(request.headers.get('x-ms-range') ?? request.headers.get('range') ?? '');
    const start = asked ? Number(asked[1]) : 0;
    const end = asked?.[2] ? Math.min(size, Number(asked[2]) + 1) : size;
    if (asked && (start >= size || end <= start)) {
      record.status = 416;
      return new HttpResponse('InvalidRange', {
        status: 416,
        headers: { 'content-type': 'application/xml', 'content-range': `bytes */${size}` },
      });
    }
    record.status = asked ? 206 : 200;
    record.bytes = end - start;
    // The log host (Azure blob storage) says the length, and sends the bytes as it reads them.
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(end - start),
      'accept-ranges': 'bytes',
    };
    if (asked) headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
    const body = logStream(index, { start, end, hold: this.heldLogs.get(verified.jobId) });
    return new HttpResponse(body, { status: record.status, headers });
  }

  /** The log host's measure of a job's log, taken once per text. */
  private logIndex(jobId: number, text: string): LogIndex {
    const known = this.logIndexes.get(jobId);
    if (known?.text === text) return known;
    const index = indexLog(text);
    this.logIndexes.set(jobId, index);
    return index;
  }

  private signArtifactUrl(artifactId: number): string {
    const sig = randomBytes(24).toString('base64url');
    const expiresAt = Date.now() + 60_000;
    this.artifactUrls.set(sig, { artifactId, expiresAt });
    const query = new URLSearchParams({ sv: '2021-12-02', se: new Date(expiresAt).toISOString(), sp: 'r', sig });
    return `${ARTIFACT_HOST}/actions-results/${randomUUID()}/workflow-job-run-${artifactId}/artifacts/${artifactId}.zip?${query}`;
  }

  private serveArtifact(request: Request): Response {
    const url = new URL(request.url);
    const record = this.record('artifacts', request, safeDecode(url.pathname), url);
    this.refuseCredentials(request, `${ARTIFACT_HOST}${url.pathname}`, 'the storage host');
    const signed = this.artifactUrls.get(url.searchParams.get('sig') ?? '');
    const entry = signed && signed.expiresAt > Date.now() ? this.world.artifacts.get(signed.artifactId) : undefined;
    if (!entry) {
      record.status = 403;
      return new HttpResponse('AuthenticationFailed', { status: 403, headers: { 'content-type': 'application/xml' } });
    }
    record.status = 200;
    return new HttpResponse(entry.zip, {
      status: 200,
      headers: { 'content-type': 'application/zip', 'content-length': String(entry.zip.byteLength) },
    });
  }

  private record(host: RecordedRequest['host'], request: Request, path: string, url: URL): RecordedRequest {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name.toLowerCase()] =
        name.toLowerCase() === 'authorization' ? `${value.split(' ')[0] ?? ''} [redacted]` : value;
    });
    const entry: RecordedRequest = {
      host,
      method: request.method.toUpperCase(),
      path,
      query: Object.fromEntries(url.searchParams),
      headers,
      status: 0,
      at: Date.now(),
    };
    this.requests.push(entry);
    return entry;
  }
}

export function createGithubSimulator(options: { apiUrl?: string } = {}): GithubSimulator {
  return new GithubSimulator(options);
}
