import type { IFormInputProps } from '@spinnaker/core';
import { FormikFormField, HelpField, TextInput } from '@spinnaker/core';
import React from 'react';

const ARTIFACT_HELP =
  'The name of an artifact the run uploads (actions/upload-artifact). When the run succeeds, the backend reads the ' +
  'results file from it and its keys become the stage outputs. Leave empty to read no results.';
const FILE_HELP =
  "The file's path inside the artifact: .json, .yml, .yaml or .properties. Later stages read a key as " +
  "${#stage('<this stage>')['context']['webhook']['monitor']['body']['outputs']['<key>']}.";

/** The Jenkins stage's "property file", for a workflow run: an artifact and a file in it. */
export function ResultsFields() {
  return (
    <>
      <FormikFormField
        name="propertyArtifact"
        label="Results artifact"
        help={<HelpField content={ARTIFACT_HELP} />}
        input={(props: IFormInputProps) => <TextInput {...props} placeholder="results" />}
      />
      <FormikFormField
        name="propertyFile"
        label="Results file"
        help={<HelpField content={FILE_HELP} />}
        input={(props: IFormInputProps) => <TextInput {...props} placeholder="outputs.json" />}
      />
    </>
  );
}
