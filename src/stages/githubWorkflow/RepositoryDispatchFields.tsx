import type { IFormInputProps } from '@spinnaker/core';
import { FormikFormField, HelpField, TextAreaInput, TextInput } from '@spinnaker/core';
import type { FormikProps } from 'formik';
import React from 'react';

import type { GithubWorkflowStage } from './types';

type Props = { formik: FormikProps<GithubWorkflowStage> };

const EVENT_TYPE_HELP =
  'The <code>event_type</code> of the repository_dispatch event; workflows listing it under ' +
  '<code>on: repository_dispatch: types</code> run. SpEL is allowed.';
const CLIENT_PAYLOAD_HELP =
  'A JSON object the workflow reads as <code>github.event.client_payload</code>. Values may hold SpEL.';

function payloadText(payload: GithubWorkflowStage['clientPayload']): string {
  if (payload === undefined || payload === null) return '';
  return typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2);
}

/** What the stage saves for the text: the object when it parses to one, else the text (the validators block it). */
function payloadValue(text: string): GithubWorkflowStage['clientPayload'] {
  if (!text.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : text;
  } catch {
    return text;
  }
}

function ClientPayloadField({ formik }: Props) {
  const [text, setText] = React.useState(() => payloadText(formik.values.clientPayload));
  const onChange = (event: React.ChangeEvent<HTMLTextAreaElement>) => {
    setText(event.target.value);
    formik.setFieldValue('clientPayload', payloadValue(event.target.value));
  };
  return (
    <FormikFormField
      name="clientPayload"
      label="Client payload"
      help={<HelpField content={CLIENT_PAYLOAD_HELP} />}
      touched={true}
      input={(props: IFormInputProps) => (
        <TextAreaInput
          {...props}
          value={text}
          onChange={onChange}
          rows={8}
          aria-label="Client payload"
          inputClassName="code"
          placeholder='A JSON object, e.g. { "environment": "production" }'
        />
      )}
    />
  );
}

export function RepositoryDispatchFields({ formik }: Props) {
  return (
    <>
      <FormikFormField
        name="eventType"
        label="Event type"
        help={<HelpField content={EVENT_TYPE_HELP} />}
        input={(props: IFormInputProps) => <TextInput {...props} aria-label="Event type" placeholder="e.g. deploy" />}
      />
      <ClientPayloadField formik={formik} />
    </>
  );
}
