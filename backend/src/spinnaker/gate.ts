import type { Logger } from 'pino';
import type { PipelineConfig } from '../triggers/matching.js';

/** What Gate answered, with whether trying again can help. */
export class GateError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** 4xx other than 408/429: the same request will fail the same way. */
    readonly permanent: boolean,
    /** No answer in time: Gate may still act on the request. */
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'GateError';
  }
}

/** The parts of Orca's execution the backend reads (Gate `GET /pipelines/{id}`). */
export interface Execution {
  id: string;
  application: string;
  name: string;
  pipelineConfigId?: string;
  status: string;
  /** True once a user (or a failed stage with cancellation) cancelled the execution. */
  canceled?: boolean;
  startTime?: number;
  endTime?: number;
  trigger?: Record<string, unknown>;
  stages?: { id?: string; name?: string; type?: string; status?: string; outputs?: Record<string, unknown> }[];
}

export interface GateOptions {
  url: string;
  /** GATE_AUTH_HEADER: the whole `Authorization` value (basic or bearer). */
  authHeader?: string;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * Gate over HTTP, with the endpoints docs/research/gate-echo.md settles on. Plain fetch: Gate has no maintained
 * TypeScript client. Redirects are not followed: a basic-auth Gate answers missing credentials with 302 to /login.
 */
export class Gate {
  private readonly base: string;

  constructor(private readonly options: GateOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  /** How long one request may take before it is abandoned. */
  get timeoutMs(): number {
    return this.options.timeoutMs ?? 15_000;
  }

  /** Every pipeline config of every application (`GET /pipelineConfigs`). */
  async listPipelineConfigs(): Promise<PipelineConfig[]> {
    const body = await this.request('GET', '/pipelineConfigs', 'listing pipeline configs');
    if (!Array.isArray(body))
      throw new GateError('Gate answered /pipelineConfigs with something other than a list', 200, false);
    return body as PipelineConfig[];
  }

  /**
   * Starts a pipeline the way Gate's v1 endpoint does (`POST /pipelines/{application}/{pipelineId}`): the body is
   * the trigger. `user` goes in `X-SPINNAKER-USER`, which Gate honours only with header authentication.
   * Answers the execution id.
   */
  async startPipeline(
    application: string,
    pipelineId: string,
    trigger: Record<string, unknown>,
    user?: string,
  ): Promise<string> {
    const body = (await this.request(
      'POST',
      `/pipelines/${encodeURIComponent(application)}/${encodeURIComponent(pipelineId)}`,
      `starting pipeline ${pipelineId} of ${application}`,
      { body: trigger, user },
    )) as { ref?: unknown } | undefined;
    const ref = typeof body?.ref === 'string' ? body.ref : '';
    return ref.replace(/^\/pipelines\//, '');
  }

  /**
   * Executions of an application started by an event (`eventId` is the GitHub delivery id we sent) after `since`.
   * Orca's search reads the application's executions page by page, newest first, until it has found ten or read them
   * all (orca TaskController.searchForPipelinesByTrigger): without a bound, a search that finds nothing reads every
   * execution the application ever ran, which in a busy application outlasts our timeout. `triggerTimeStartBoundary`
   * keeps it to executions built after `since`.
   */
  async findExecutionsByEvent(
    application: string,
    triggerType: string,
    eventId: string,
    since: Date,
  ): Promise<Execution[]> {
    const query = new URLSearchParams({
      triggerTypes: triggerType,
      eventId,
      triggerTimeStartBoundary: String(since.getTime()),
      expand: 'false',
    });
    const body = await this.request(
      'GET',
      `/applications/${encodeURIComponent(application)}/executions/search?${query}`,
      `searching executions of ${application}`,
    );
    return Array.isArray(body) ? (body as Execution[]) : [];
  }

  /** An execution; undefined when Spinnaker no longer has it (deleted, or never existed). */
  async getExecution(id: string): Promise<Execution | undefined> {
    try {
      const body = (await this.request('GET', `/pipelines/${encodeURIComponent(id)}`, `reading execution ${id}`)) as
        Execution | undefined;
      // Gate answers other upstream errors (403 …) with an empty 200.
      if (!body || typeof body !== 'object' || !('status' in body)) {
        throw new GateError(`Gate answered execution ${id} with an empty body (no permission to read it?)`, 200, false);
      }
      return body;
    } catch (error) {
      if (error instanceof GateError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async request(
    method: string,
    path: string,
    action: string,
    { body, user }: { body?: unknown; user?: string } = {},
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.authHeader) headers.authorization = this.options.authHeader;
    if (user) headers['x-spinnaker-user'] = user;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new GateError(
        timedOut
          ? `Gate did not answer within ${this.timeoutMs} ms while ${action}`
          : `Gate could not be reached while ${action}: ${(error as Error).message}`,
        undefined,
        false,
        timedOut,
      );
    }
    const text = await response.text();
    if (response.status >= 300 && response.status < 400) {
      throw new GateError(
        `Gate redirected ${action} to ${response.headers.get('location') ?? 'elsewhere'}: it wants a login. Set GATE_AUTH_HEADER.`,
        response.status,
        false,
      );
    }
    if (!response.ok) {
      const message = messageOf(text);
      const permanent =
        response.status >= 400 && response.status < 500 && ![401, 403, 408, 429].includes(response.status);
      throw new GateError(
        `Gate answered ${response.status} while ${action}${message ? `: ${message}` : ''}`,
        response.status,
        permanent,
      );
    }
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new GateError(`Gate answered ${action} with something other than JSON`, response.status, false);
    }
  }
}

/** kork's error body `{timestamp, status, error, message}`. */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    return String(body.message ?? body.error ?? '').slice(0, 500);
  } catch {
    return text.slice(0, 200);
  }
}
