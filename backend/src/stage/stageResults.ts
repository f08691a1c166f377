import type { StageArtifactDto } from '../contract.js';
import type { GithubApp } from '../github/githubApp.js';
import { ArtifactError, downloadArtifact, listRunArtifacts } from '../github/runArtifacts.js';
import { fileFromZip, parseResults } from './resultsFile.js';

/** The largest artifact archive the backend downloads for a results file. */
export const MAX_ARTIFACT_BYTES = 10 * 1024 * 1024;
/** The largest results file it reads: its keys are kept in the execution by Orca, in every poll's answer. */
export const MAX_RESULTS_FILE_BYTES = 256 * 1024;

export type StageResults =
  | { artifacts: StageArtifactDto[]; outputs?: Record<string, unknown> }
  | { artifacts: StageArtifactDto[]; failure: string };

/**
 * A completed run's artifacts and, when the stage names one, the keys of its results file. A missing artifact or
 * file, one too big, or one that does not parse is a `failure` that says which and why; GitHub being unreachable
 * throws, so Orca asks again.
 */
export async function readStageResults(
  github: GithubApp,
  options: {
    owner: string;
    repo: string;
    runId: number;
    htmlUrl: string;
    results?: { artifact: string; file: string };
    limits?: { artifactBytes: number; fileBytes: number };
  },
): Promise<StageResults> {
  const { owner, repo, results } = options;
  const limits = options.limits ?? { artifactBytes: MAX_ARTIFACT_BYTES, fileBytes: MAX_RESULTS_FILE_BYTES };
  const artifacts = await listRunArtifacts(github, options);
  if (!results) return { artifacts };
  try {
    const artifact = artifacts.find((candidate) => candidate.name === results.artifact);
    if (!artifact) {
      const names = artifacts.map((candidate) => `"${candidate.name}"`).join(', ') || 'none';
      throw new ArtifactError(
        `Run ${options.runId} uploaded no artifact named "${results.artifact}" (its artifacts: ${names}); upload ${results.file} with actions/upload-artifact under that name.`,
      );
    }
    if (artifact.expired)
      throw new ArtifactError(`Artifact "${artifact.name}" has expired; GitHub no longer serves it.`);
    const archive = await downloadArtifact(github, { owner, repo, artifact, maxBytes: limits.artifactBytes });
    const text = fileFromZip(archive, { artifact: artifact.name, file: results.file, maxBytes: limits.fileBytes });
    return { artifacts, outputs: parseResults(results.file, text) };
  } catch (error) {
    if (error instanceof ArtifactError) return { artifacts, failure: error.message };
    throw error;
  }
}
