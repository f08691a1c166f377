import type { GateSimulator } from '../backend/emulators/spinnaker/gateSimulator.js';
import type { GithubSimulator } from '../backend/emulators/github/simulator.js';
import { asDelivered } from './webhooks.js';

/** The `deployment` `created` delivery GitHub sends, for a new deployment in the GitHub emulator. */
export function createDeployment(
  sim: GithubSimulator,
  { owner, repo, environment, ref }: { owner: string; repo: string; environment: string; ref: string },
): Record<string, unknown> {
  const deployment = sim.addDeployment({ owner, repo, environment, ref });
  const state = sim.repos.get(`${owner}/${repo}`.toLowerCase());
  const installation = [...sim.installations.values()].find((i) =>
    i.repositories.some((name) => name.toLowerCase() === `${owner}/${repo}`.toLowerCase()),
  );
  return asDelivered(sim, {
    action: 'created',
    deployment,
    repository: state?.full,
    sender: deployment.creator,
    installation: installation && { id: installation.data.id },
  });
}

/** A repository's deployments, newest first, each with its statuses (newest first), as the page lists them. */
export function deploymentsOf(sim: GithubSimulator, fullName: string, limit = 5) {
  return [...sim.deployments.values()]
    .filter((d) => d.repo === fullName.toLowerCase())
    .sort((a, b) => Date.parse(b.deployment.created_at) - Date.parse(a.deployment.created_at))
    .slice(0, limit)
    .map(({ deployment, statuses }) => ({
      id: deployment.id,
      environment: deployment.environment,
      ref: deployment.ref,
      createdAt: deployment.created_at,
      statuses: statuses.map((s) => ({ state: s.state, description: s.description, logUrl: s.log_url })),
    }));
}

/**
 * Ends every pipeline the Gate emulator started `afterMs` after its start, with success, and tells the backend as
 * Echo would (POST /events/echo), so deployment statuses and check runs follow within seconds.
 */
export function finishPipelines(gate: GateSimulator, backendUrl: string, afterMs: number): () => void {
  const timer = setInterval(() => {
    for (const execution of gate.executions.values()) {
      if (execution.status !== 'RUNNING' || Date.now() - execution.startTime < afterMs) continue;
      Object.assign(execution, { status: 'SUCCEEDED', endTime: Date.now() });
      for (const stage of execution.stages) stage.status = 'SUCCEEDED';
      const event = {
        details: { source: 'orca', type: 'orca:pipeline:complete', application: execution.application },
        content: { executionId: execution.id, execution },
      };
      void fetch(`${backendUrl}/events/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      }).catch(() => undefined);
    }
  }, 1_000);
  return () => clearInterval(timer);
}

/** The newest check runs on octo-org/hello-world's commits, as the simulated GitHub stores them. */
export function checkRunsOf(sim: GithubSimulator, fullName: string, limit = 5) {
  return [...sim.checkRuns.values()]
    .filter((state) => state.repo === fullName.toLowerCase())
    .map((state) => state.checkRun)
    .sort((a, b) => Number(b.id) - Number(a.id))
    .slice(0, limit)
    .map((run) => ({
      id: run.id,
      name: run.name,
      headSha: run.head_sha,
      status: run.status,
      conclusion: run.conclusion,
      detailsUrl: run.details_url,
      title: run.output.title,
      summary: run.output.summary,
    }));
}
