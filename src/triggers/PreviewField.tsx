import { HelpField, LayoutContext, Spinner } from '@spinnaker/core';
import React from 'react';

import type { ResponseError } from '../api/ResponseError';

export interface PreviewFieldProps {
  label: string;
  help: string;
  /** Why there is nothing to preview yet; shown instead of the content. */
  hint?: string;
  isLoading: boolean;
  /** The load failure as a sentence. */
  error?: string;
  children?: React.ReactNode;
}

/** A read-only field of the trigger form, laid out like Deck's own fields. */
export function PreviewField({ label, help, hint, isLoading, error, children }: PreviewFieldProps) {
  // Deck's field layout of the surrounding form: its trigger form leaves the default, StandardFieldLayout.
  const layout = React.useContext(LayoutContext);
  const content = hint ? (
    <p className="text-muted">{hint}</p>
  ) : error ? (
    <div className="alert alert-danger" role="alert">
      {error}
    </div>
  ) : isLoading ? (
    <Spinner size="small" />
  ) : (
    children
  );
  return React.createElement(layout, {
    label,
    help: <HelpField content={help} />,
    input: <div className="flex-grow">{content}</div>,
  });
}

export const previewError = (what: string, error: ResponseError | null) =>
  error ? `Failed to load ${what}: ${error.message}` : undefined;
