import type { IExecutionStage } from '@spinnaker/core';
import React from 'react';

import type { StageArtifactDto } from '../../api/types';
import { ExternalLink } from '../../components/ExternalLink';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The artifacts and outputs of the latest poll (`webhook.monitor.body`), once the run has completed. */
export function resultsFromContext(stage: Pick<IExecutionStage, 'context'>): {
  artifacts: StageArtifactDto[];
  outputs?: Record<string, unknown>;
} {
  const webhook = stage.context?.webhook;
  const monitor = isObject(webhook) && isObject(webhook.monitor) ? webhook.monitor : {};
  const body = isObject(monitor.body) ? monitor.body : {};
  const artifacts = Array.isArray(body.artifacts) ? (body.artifacts as StageArtifactDto[]) : [];
  return { artifacts, outputs: isObject(body.outputs) ? body.outputs : undefined };
}

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

export function ArtifactsView({ stage }: { stage: Pick<IExecutionStage, 'context'> }) {
  const { artifacts, outputs } = resultsFromContext(stage);
  if (!artifacts.length && !outputs) return null;
  return (
    <>
      {artifacts.length > 0 && (
        <>
          <h5>Artifacts</h5>
          <table className="table table-condensed">
            <thead>
              <tr>
                <th>Name</th>
                <th>Size</th>
                <th>Expires</th>
              </tr>
            </thead>
            <tbody>
              {artifacts.map((artifact) => (
                <tr key={artifact.id}>
                  <td>
                    {artifact.expired ? (
                      artifact.name
                    ) : (
                      <ExternalLink href={artifact.htmlUrl}>{artifact.name}</ExternalLink>
                    )}
                  </td>
                  <td>{size(artifact.sizeInBytes)}</td>
                  <td>{artifact.expired ? 'expired' : (artifact.expiresAt ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {outputs && (
        <>
          <h5>Outputs</h5>
          <dl className="dl-horizontal">
            {Object.entries(outputs).map(([key, value]) => (
              <React.Fragment key={key}>
                <dt>{key}</dt>
                <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
              </React.Fragment>
            ))}
          </dl>
        </>
      )}
    </>
  );
}
