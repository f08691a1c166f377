import type { Endpoints } from '@octokit/types';
import type { StageArtifactDto } from '../contract.js';
import { UpstreamError } from '../errors.js';
import type { GithubApp } from './githubApp.js';
import { toHttpError } from './githubErrors.js';

type Artifact =
  Endpoints['GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts']['response']['data']['artifacts'][number];

/** Why an artifact could not be read: the stage fails with this message, GitHub's availability aside. */
export class ArtifactError extends Error {}

const toDto = (htmlUrl: string, artifact: Artifact): StageArtifactDto => ({
  id: artifact.id,
  name: artifact.name,
  sizeInBytes: artifact.size_in_bytes,
  expired: artifact.expired,
  expiresAt: artifact.expires_at ?? null,
  // The run page's download link; `archive_download_url` needs a token a browser does not have.
  htmlUrl: `${htmlUrl}/artifacts/${artifact.id}`,
});

/** Every artifact of a run (GitHub keeps at most a few hundred; 100 a page). */
export async function listRunArtifacts(
  github: GithubApp,
  { owner, repo, runId, htmlUrl }: { owner: string; repo: string; runId: number; htmlUrl: string },
): Promise<StageArtifactDto[]> {
  const client = await github.forRepo(owner, repo);
  try {
    const artifacts = await client.paginate('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
      owner,
      repo,
      run_id: runId,
      per_page: 100,
    });
    return artifacts.map((artifact) => toDto(htmlUrl, artifact));
  } catch (error) {
    throw toHttpError(error, {
      action: `listing the artifacts of run ${runId} in ${owner}/${repo}`,
      appId: github.appId,
    });
  }
}

/**
 * The artifact's zip archive, at most `maxBytes`. GitHub answers with a 302 to a short-lived signed URL
 * (https://docs.github.com/rest/actions/artifacts#download-an-artifact); we follow it ourselves so the installation
 * token never reaches the storage host.
 */
export async function downloadArtifact(
  github: GithubApp,
  { owner, repo, artifact, maxBytes }: { owner: string; repo: string; artifact: StageArtifactDto; maxBytes: number },
): Promise<Uint8Array> {
  const tooBig = () =>
    new ArtifactError(
      `Artifact "${artifact.name}" is larger than ${maxBytes} bytes, the most the backend downloads; upload the results file in an artifact of its own.`,
    );
  if (artifact.sizeInBytes > maxBytes) throw tooBig();
  const client = await github.forRepo(owner, repo);
  let location: string | undefined;
  try {
    const response = await client.request(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      {
        owner,
        repo,
        artifact_id: artifact.id,
        archive_format: 'zip',
        request: { redirect: 'manual' },
      },
    );
    location = response.headers.location;
  } catch (error) {
    if ((error as { status?: number }).status === 410) {
      throw new ArtifactError(`Artifact "${artifact.name}" has expired; GitHub no longer serves it.`);
    }
    throw toHttpError(error, {
      action: `downloading artifact ${artifact.name} of ${owner}/${repo}`,
      appId: github.appId,
    });
  }
  if (!location) throw new UpstreamError(`GitHub did not say where to download artifact "${artifact.name}".`);

  let response: Response;
  try {
    response = await fetch(location);
  } catch (error) {
    throw new UpstreamError(`The storage host of artifact "${artifact.name}" could not be reached.`, { cause: error });
  }
  if (!response.ok || !response.body) {
    throw new UpstreamError(`The storage host answered ${response.status} for artifact "${artifact.name}".`);
  }
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body.cancel();
    throw tooBig();
  }
  // Counted as it arrives: the size GitHub lists and the length the host sends are not trusted to stop a larger body.
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    received += read.value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooBig();
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks);
}
