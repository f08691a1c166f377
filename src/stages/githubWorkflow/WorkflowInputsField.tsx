import type { IFormInputProps } from '@spinnaker/core';
import { FormikFormField, MapEditorInput, Spinner } from '@spinnaker/core';
import type { FormikProps } from 'formik';
import React from 'react';

import { useWorkflowInputs, workflowInputsQuery } from '../../api/queries';
import { InputControl } from './InputControl';
import { CORRELATION_INPUT, missingDefaults, staleInputNames, userInputs } from './inputs';
import type { GithubWorkflowStage, InputValue } from './types';

type Props = { formik: FormikProps<GithubWorkflowStage> };

/** Inputs the workflow does not declare at this ref: flagged with a button to remove each, never dropped silently. */
function StaleInputs({ formik, names, where }: Props & { names: string[]; where: string }) {
  const remove = (name: string) => {
    const { [name]: _removed, ...rest } = formik.values.inputs ?? {};
    formik.setFieldValue('inputs', rest);
  };
  return (
    <div className="alert alert-warning" role="alert">
      <p>
        {where} does not declare {names.length === 1 ? 'this input' : 'these inputs'}. GitHub refuses to dispatch a
        workflow with undeclared inputs.
      </p>
      <ul>
        {names.map((name) => (
          <li key={name}>
            <code>{name}</code> = <code>{JSON.stringify(formik.values.inputs?.[name])}</code>{' '}
            <button type="button" className="btn btn-link btn-sm" onClick={() => remove(name)}>
              Remove {name}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** When the inputs cannot be looked up (SpEL, or the read failed): free key/value pairs. */
function FreeInputs({ note }: { note: string }) {
  return (
    <FormikFormField
      name="inputs"
      label="Inputs"
      input={(props: IFormInputProps) => (
        <>
          <p className="help-block">{note}</p>
          <MapEditorInput {...props} addButtonLabel="Add input" keyLabel="Input" valueLabel="Value" />
        </>
      )}
    />
  );
}

export function WorkflowInputsField({ formik }: Props) {
  const { repository, workflow, ref, inputs: values } = formik.values;
  const { setFieldValue, validateForm } = formik;
  const query = workflowInputsQuery({ repository, workflow, ref });
  const { data, error, isInitialLoading } = useWorkflowInputs({ repository, workflow, ref });

  React.useEffect(() => {
    if (!data) return;
    const defaults = missingDefaults(data.inputs, values);
    if (Object.keys(defaults).length) setFieldValue('inputs', { ...values, ...defaults });
  }, [data, values, setFieldValue]);

  React.useEffect(() => {
    // The form's validator reads the declared inputs from the query cache: check them now that they are known.
    if (data) validateForm();
  }, [data, validateForm]);

  if (!workflow) return null;
  if (!query.enabled) {
    return (
      <FreeInputs note="Inputs are not looked up while the repository, workflow or ref is a SpEL expression (or the repository is not owner/repo): set them as names and values." />
    );
  }
  if (isInitialLoading) {
    return (
      <div className="flex-container-h middle margin-between-md">
        <Spinner size="small" />
        <span>Reading the inputs of {workflow}…</span>
      </div>
    );
  }
  if (error) return <FreeInputs note="The workflow's declared inputs could not be read; the reason is shown above." />;
  if (!data?.dispatchable) return null;

  const where = `${data.path} at ${data.ref}`;
  const declared = userInputs(data.inputs);
  const stale = staleInputNames(data.inputs, values as Record<string, InputValue> | undefined);
  return (
    <div className="github-workflow-inputs">
      <h5>Inputs of {where}</h5>
      {declared.length === 0 && <p>The workflow declares no inputs.</p>}
      {declared.map((input) => (
        <InputControl key={input.name} input={input} />
      ))}
      {declared.length < data.inputs.length && (
        <p className="help-block">
          The stage sets <code>{CORRELATION_INPUT}</code> itself, to find the run it starts.
        </p>
      )}
      {stale.length > 0 && <StaleInputs formik={formik} names={stale} where={where} />}
    </div>
  );
}
