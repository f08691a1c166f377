import { Registry } from '@spinnaker/core';
import { render, screen } from '@testing-library/react';
import React from 'react';

import { githubWorkflowStage } from '../../src/stages/githubWorkflow/githubWorkflowStage';

const stage = { name: 'Deploy', refId: '1', requisiteStageRefIds: [], type: 'githubWorkflow' };

describe('githubWorkflowStage', () => {
  beforeAll(() => Registry.pipeline.registerStage(githubWorkflowStage));

  it('is registered with Deck under the key githubWorkflow', () => {
    const types = Registry.pipeline.getStageTypes().filter((type) => type.key === 'githubWorkflow');
    expect(types).toHaveLength(1);
    expect(Registry.pipeline.getStageConfig(stage)).toMatchObject({
      key: 'githubWorkflow',
      label: 'GitHub Workflow',
    });
  });

  it('shows that the editor arrives in a later release', () => {
    const StageConfig = githubWorkflowStage.component!;
    render(<StageConfig />);
    expect(screen.getByText(/editor for the GitHub Workflow stage arrives in a later release/)).toBeInTheDocument();
    expect(screen.getByText('Pipeline Actions → Edit as JSON')).toBeInTheDocument();
  });
});
