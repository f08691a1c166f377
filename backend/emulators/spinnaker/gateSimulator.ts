import { randomBytes } from 'node:crypto';
import { HttpResponse, http, type HttpHandler } from 'msw';
import type { PipelineConfig } from '../../src/triggers/matching.js';

/**
 * Gate at the network boundary, with the request and response shapes of gate's PipelineConfigController,
 * PipelineController and ExecutionsController as docs/research/gate-echo.md records them: kork error bodies,
 * 202 `{ref}` for a started pipeline, 404 for an unknown one, 400 for a disabled one, 302 to /login without
 * credentials when Gate wants them.
 */
export interface GateExecution {
  type: 'PIPELINE';
  id: string;
  application: string;
  name: string;
  pipelineConfigId: string;
  status: string;
  buildTime: number;
  startTime: number;
  endTime?: number;
  canceled: boolean;
  origin: 'api';
  authentication: { user: string; allowedAccounts: string[] };
  trigger: Record<string, unknown>;
  stages: Record<string, unknown>[];
}

export interface StartRequest {
  application: string;
  pipelineNameOrId: string;
  trigger: Record<string, unknown>;
  headers: Record<string, string>;
}

type Fault = 'down' | 'unavailable' | 'accept-then-fail' | 'pipeline-deleted';

/** Crockford base32, the alphabet of the ULIDs Orca gives executions. */
const ULID = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulid = () => `01J${[...randomBytes(23)].map((b) => ULID[b % 32]).join('')}`;

const korkError = (status: number, error: string, message: string) =>
  HttpResponse.json({ timestamp: Date.now(), status, error, message }, { status });

export class GateSimulator {
  readonly url: string;
  readonly handlers: HttpHandler[];
  pipelines: PipelineConfig[] = [];
  readonly starts: StartRequest[] = [];
  readonly executions = new Map<string, GateExecution>();
  /** Requests by method and path, for counting. */
  readonly requests: string[] = [];
  /**
   * Executions the searches read before filtering them: Orca's search reads the application's executions built after
   * `triggerTimeStartBoundary`, newest first, and filters them one by one (orca TaskController); this is its cost.
   */
  searchedExecutions = 0;
  /** When set, every request must carry exactly this Authorization header. */
  requiredAuth: string | undefined;
  private fault: { kind: Fault; times: number; on?: RegExp } | undefined;

  constructor(url = 'https://gate.example.com') {
    this.url = url;
    this.handlers = [
      http.all(`${url}/*`, async ({ request }) => {
        const path = new URL(request.url).pathname;
        this.requests.push(`${request.method} ${path}`);
        const fault = this.takeFault(`${request.method} ${path}`);
        if (fault === 'down') return HttpResponse.error();
        if (fault === 'unavailable') return korkError(503, 'Service Unavailable', 'Gate is restarting');
        if (fault === 'pipeline-deleted') {
          return korkError(404, 'Not Found', 'Unable to trigger pipeline. Error: Pipeline configuration not found');
        }
        if (this.requiredAuth && request.headers.get('authorization') !== this.requiredAuth) {
          return new HttpResponse(null, { status: 302, headers: { location: `${url}/login` } });
        }
        return this.route(request, path, fault === 'accept-then-fail');
      }),
    ];
  }

  /**
   * The next `times` requests (those whose `METHOD path` matches `on`) fail: `down` as a refused connection,
   * `unavailable` as a 503, `accept-then-fail` starts the pipeline but answers 502 (the answer lost on the way
   * back), `pipeline-deleted` as the 404 of a pipeline deleted since it was listed. `accept-then-fail` waits for a
   * pipeline start: another request before it would take the fault and answer as usual.
   */
  failNext(kind: Fault, times = 1, on?: RegExp): void {
    this.fault = { kind, times, on: on ?? (kind === 'accept-then-fail' ? /^POST \/pipelines\// : undefined) };
  }

  /** Gate stays down until `up()`. */
  down(): void {
    this.fault = { kind: 'down', times: Number.POSITIVE_INFINITY };
  }

  up(): void {
    this.fault = undefined;
  }

  /** An execution running one stage of `type`, as Orca holds it while the stage's first task runs. */
  addRunningExecution({ application, stageType }: { application: string; stageType: string }): {
    executionId: string;
    stageId: string;
    stageStartTime: number;
  } {
    const now = Date.now();
    const stageId = ulid();
    const execution: GateExecution = {
      type: 'PIPELINE',
      id: ulid(),
      application,
      name: 'Deploy',
      pipelineConfigId: `pipeline-${application}`,
      status: 'RUNNING',
      buildTime: now,
      startTime: now,
      canceled: false,
      origin: 'api',
      authentication: { user: 'anonymous', allowedAccounts: [] },
      trigger: { type: 'manual', user: 'anonymous' },
      stages: [
        {
          id: stageId,
          refId: '1',
          type: stageType,
          name: 'Deploy with GitHub',
          status: 'RUNNING',
          startTime: now,
          context: {},
        },
      ],
    };
    this.executions.set(execution.id, execution);
    return { executionId: execution.id, stageId, stageStartTime: now };
  }

  /** A user cancels the execution: Orca marks it and its running stages CANCELED (CancelExecutionHandler). */
  cancelExecution(id: string): void {
    const execution = this.executions.get(id);
    if (!execution) throw new Error(`No execution ${id}`);
    execution.status = 'CANCELED';
    execution.canceled = true;
    execution.endTime = Date.now();
    for (const stage of execution.stages) if (stage.status === 'RUNNING') stage.status = 'CANCELED';
  }

  setStageStatus(id: string, status: string): void {
    for (const stage of this.executions.get(id)?.stages ?? []) stage.status = status;
  }

  reset(): void {
    this.pipelines = [];
    this.starts.length = 0;
    this.requests.length = 0;
    this.executions.clear();
    this.searchedExecutions = 0;
    this.fault = undefined;
    this.requiredAuth = undefined;
  }

  private takeFault(request: string): Fault | undefined {
    if (!this.fault || this.fault.times <= 0 || (this.fault.on && !this.fault.on.test(request))) return undefined;
    this.fault.times -= 1;
    return this.fault.kind;
  }

  private async route(request: Request, path: string, acceptThenFail: boolean): Promise<Response> {
    if (request.method === 'GET' && path === '/pipelineConfigs') return HttpResponse.json(this.pipelines);

    const start = /^\/pipelines\/([^/]+)\/([^/]+)$/.exec(path);
    if (request.method === 'POST' && start) {
      const application = decodeURIComponent(start[1] ?? '');
      const nameOrId = decodeURIComponent(start[2] ?? '');
      const text = await request.text();
      const trigger = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const pipeline = this.pipelines.find(
        (p) => p.application === application && (p.id === nameOrId || p.name === nameOrId),
      );
      if (!pipeline) {
        return korkError(
          404,
          'Not Found',
          `Unable to trigger pipeline (application: ${application}, pipelineNameOrId: ${nameOrId}). Error: Pipeline configuration not found (id: ${nameOrId}): Status: 404, Method: GET, URL: http://front50/pipelines/${nameOrId}/get, Message: Not Found`,
        );
      }
      if (pipeline.disabled) {
        return korkError(
          400,
          'Bad Request',
          `Unable to trigger pipeline (application: ${application}, pipelineNameOrId: ${nameOrId}). Error: Pipeline is disabled and cannot be started.`,
        );
      }
      const headers = Object.fromEntries(request.headers);
      const user = headers['x-spinnaker-user'] ?? String(trigger.user ?? 'anonymous');
      const execution: GateExecution = {
        type: 'PIPELINE',
        id: ulid(),
        application,
        name: pipeline.name,
        pipelineConfigId: pipeline.id,
        status: 'RUNNING',
        buildTime: Date.now(),
        startTime: Date.now(),
        canceled: false,
        origin: 'api',
        authentication: { user, allowedAccounts: [] },
        trigger: { ...trigger, user: trigger.user ?? user, notifications: trigger.notifications ?? [] },
        // Orca plans the configured stages when it starts the execution; none has started yet.
        stages: ((pipeline as { stages?: Record<string, unknown>[] }).stages ?? []).map((stage) => ({
          id: ulid(),
          refId: stage.refId,
          type: stage.type,
          name: stage.name,
          status: 'NOT_STARTED',
          context: {},
        })),
      };
      this.executions.set(execution.id, execution);
      this.starts.push({ application, pipelineNameOrId: nameOrId, trigger, headers });
      if (acceptThenFail) return korkError(502, 'Bad Gateway', 'upstream connection reset');
      return HttpResponse.json({ ref: `/pipelines/${execution.id}` }, { status: 202 });
    }

    const search = /^\/applications\/([^/]+)\/executions\/search$/.exec(path);
    if (request.method === 'GET' && search) {
      const query = new URL(request.url).searchParams;
      const types = (query.get('triggerTypes') ?? '').split(',').filter(Boolean);
      const eventId = query.get('eventId');
      // Orca's repository selects executions built strictly after the boundary, then filters each one it read.
      const since = Number(query.get('triggerTimeStartBoundary') ?? 0);
      const read = [...this.executions.values()].filter(
        (e) => e.application === decodeURIComponent(search[1] ?? '') && e.buildTime > since,
      );
      this.searchedExecutions += read.length;
      const found = read.filter(
        (e) => (!types.length || types.includes(String(e.trigger.type))) && (!eventId || e.trigger.eventId === eventId),
      );
      return HttpResponse.json(found);
    }

    const execution = /^\/pipelines\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && execution) {
      const id = decodeURIComponent(execution[1] ?? '');
      const found = this.executions.get(id);
      return found ? HttpResponse.json(found) : korkError(404, 'Not Found', `Pipeline not found (id: ${id})`);
    }
    return korkError(404, 'Not Found', `No handler for ${request.method} ${path}`);
  }
}
