import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../src/errors.js';
import { parseDispatchInputs } from '../src/github/workflowInputs.js';

describe('parseDispatchInputs', () => {
  it('reads every input type GitHub supports, with required, default, options and description', () => {
    const source = `
name: Deploy
on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      version:
        description: Version to deploy
        required: true
        default: "1.2.3"
      region:
        type: choice
        options: [eu-west-1, us-east-1]
        default: eu-west-1
      dry_run:
        type: boolean
        default: false
      replicas:
        type: number
        default: 3
      target:
        type: environment
        required: true
jobs: {}
`;
    expect(parseDispatchInputs(source, 'deploy.yml')).toEqual({
      dispatchable: true,
      inputs: [
        { name: 'version', type: 'string', description: 'Version to deploy', required: true, default: '1.2.3' },
        { name: 'region', type: 'choice', required: false, default: 'eu-west-1', options: ['eu-west-1', 'us-east-1'] },
        { name: 'dry_run', type: 'boolean', required: false, default: false },
        { name: 'replicas', type: 'number', required: false, default: 3 },
        { name: 'target', type: 'environment', required: true },
      ],
    });
  });

  it('treats `on` as the event key (YAML 1.2), in its string, list and map forms', () => {
    expect(parseDispatchInputs('on: workflow_dispatch\njobs: {}', 'a.yml')).toEqual({ dispatchable: true, inputs: [] });
    expect(parseDispatchInputs('on: [push, workflow_dispatch]', 'a.yml').dispatchable).toBe(true);
    expect(parseDispatchInputs('on:\n  workflow_dispatch:\n', 'a.yml').dispatchable).toBe(true);
  });

  it('says a workflow without workflow_dispatch cannot be dispatched', () => {
    expect(parseDispatchInputs('on: [push, pull_request]', 'ci.yml')).toEqual({ dispatchable: false, inputs: [] });
    expect(parseDispatchInputs('on:\n  push: {}\n', 'ci.yml').dispatchable).toBe(false);
  });

  it('answers a clear 422 for a file that is not YAML or not a workflow', () => {
    expect(() => parseDispatchInputs('on: [push', 'broken.yml')).toThrow(/broken\.yml is not valid YAML/);
    expect(() => parseDispatchInputs('- just\n- a list', 'list.yml')).toThrow(/list\.yml is not a workflow/);
    expect(() => parseDispatchInputs('on: [push', 'broken.yml')).toThrow(UnprocessableError);
  });
});
