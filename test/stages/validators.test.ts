import { validate } from '../../src/stages/githubWorkflow/validators';

const stage = { name: 'Deploy', refId: '1', requisiteStageRefIds: [], type: 'githubWorkflow' };

describe('validate (githubWorkflow stage)', () => {
  it('requires a repository and, for workflow_dispatch, a workflow', async () => {
    const errors = await validate(stage, {});
    expect(Object.keys(errors).sort()).toEqual(['repository', 'workflow']);
  });

  it('requires an event type instead of a workflow for repository_dispatch', async () => {
    const errors = await validate({ ...stage, repository: 'octo-org/app', dispatchType: 'repository_dispatch' }, {});
    expect(Object.keys(errors)).toEqual(['eventType']);
  });

  it('passes a complete workflow_dispatch stage', async () => {
    expect(await validate({ ...stage, repository: 'octo-org/app', workflow: 'deploy.yml' }, {})).toEqual({});
  });
});
