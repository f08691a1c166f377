import { App } from '@octokit/app';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { toHttpError } from './githubErrors.js';
import { createOctokitClass, type GithubOctokit, type OctokitSettings } from './octokit.js';
import { ReadCache } from './readCache.js';
import { RequestBudgets } from './requestBudget.js';
import { notFoundMessages } from './notFoundMessages.js';

export interface GithubAppOptions {
  github: Config['github'];
  logger: Logger;
  /** How long a read is served from memory before it is revalidated with GitHub. */
  readFreshForMs?: number;
  octokit?: Pick<OctokitSettings, 'maxRetryAfterSeconds' | 'retryBaseMs' | 'retries' | 'timeoutMs'>;
  /** Each installation's share of GitHub's secondary rate limits; the defaults of requestBudget.ts when not given. */
  requestBudgets?: RequestBudgets;
  /** The read cache's clock (epoch ms); the system's when not given. */
  now?: () => number;
}

/**
 * The GitHub App as the backend uses it: App JWT for `/app` endpoints, one installation client per
 * installation (its token minted and cached by @octokit/auth-app until a minute before expiry),
 * and the installation that covers a repository looked up once and cached.
 */
export class GithubApp {
  readonly appId: number;
  /** GitHub's REST API base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  readonly apiUrl: string;
  private readonly app: App;
  private readonly installationIds = new LRUCache<string, number>({ max: 10_000, ttl: 10 * 60_000 });
  private readonly clients = new LRUCache<number, Promise<GithubOctokit>>({ max: 1000 });
  private botLoginRequest: Promise<string> | undefined;
  readonly requestBudgets: RequestBudgets;

  constructor(options: GithubAppOptions) {
    this.appId = options.github.appId;
    this.apiUrl = options.github.apiUrl;
    this.requestBudgets = options.requestBudgets ?? new RequestBudgets();
    const Octokit = createOctokitClass({
      apiUrl: options.github.apiUrl,
      logger: options.logger,
      readCache: new ReadCache({ freshForMs: options.readFreshForMs ?? 5000, now: options.now }),
      requestBudgets: this.requestBudgets,
      ...options.octokit,
    });
    this.app = new App({
      appId: options.github.appId,
      privateKey: options.github.privateKey,
      Octokit,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  /** The client authenticated as the App itself (JWT). */
  get appClient(): GithubOctokit {
    return this.app.octokit as GithubOctokit;
  }

  async forInstallation(installationId: number): Promise<GithubOctokit> {
    let client = this.clients.get(installationId);
    if (!client) {
      client = this.app.getInstallationOctokit(installationId) as Promise<GithubOctokit>;
      client.catch(() => this.clients.delete(installationId));
      this.clients.set(installationId, client);
    }
    try {
      return await client;
    } catch (error) {
      throw toHttpError(error, { action: `authenticating as installation ${installationId}`, appId: this.appId });
    }
  }

  async installationIdFor(owner: string, repo: string): Promise<number> {
    const key = `${owner}/${repo}`.toLowerCase();
    const cached = this.installationIds.get(key);
    if (cached) return cached;
    try {
      const { data } = await this.appClient.request('GET /repos/{owner}/{repo}/installation', { owner, repo });
      this.installationIds.set(key, data.id);
      return data.id;
    } catch (error) {
      throw toHttpError(error, {
        action: `finding the installation for ${owner}/${repo}`,
        appId: this.appId,
        notFound: notFoundMessages.installation(owner, repo),
      });
    }
  }

  /** The installation client for a repository; 404 `NotFoundError` when the App is not installed there. */
  async forRepo(owner: string, repo: string): Promise<GithubOctokit> {
    return this.forInstallation(await this.installationIdFor(owner, repo));
  }

  async listInstallationIds(): Promise<number[]> {
    try {
      const installations = await this.appClient.paginate('GET /app/installations', { per_page: 100 });
      return installations.map((installation) => installation.id);
    } catch (error) {
      throw toHttpError(error, { action: 'listing the App installations', appId: this.appId });
    }
  }

  /** The login GitHub shows as the actor of what the App does: `<slug>[bot]`. Asked once. */
  botLogin(): Promise<string> {
    this.botLoginRequest ??= this.appClient.request('GET /app').then(
      ({ data }) => `${data?.slug ?? ''}[bot]`,
      (error: unknown) => {
        this.botLoginRequest = undefined;
        throw toHttpError(error, { action: 'reading the App', appId: this.appId });
      },
    );
    return this.botLoginRequest;
  }

  /** For readiness: mints a JWT and lists one page of installations, so bad credentials show up. */
  async checkCredentials(): Promise<void> {
    try {
      await this.appClient.request('GET /app/installations', { per_page: 1 });
    } catch (error) {
      throw toHttpError(error, { action: 'checking the App credentials', appId: this.appId });
    }
  }
}
