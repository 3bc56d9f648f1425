import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import {
  RequiredPermission,
  describeMissingPermission,
  isNotAllowedError,
} from './permissionError';

/**
 * Why a view could not be loaded. A 403 says what the user may not see and
 * the permission it takes; any other error shows the backend's answer.
 */
export const LoadErrorPanel = (props: {
  /** What failed, for example `Could not load the cost`. */
  title: string;
  /** What the user may not see, for example `You may not see this entity's cost`. */
  notAllowedTitle: string;
  /** The read permission the view takes. */
  required: RequiredPermission;
  error: Error;
}) => {
  const { title, notAllowedTitle, required, error } = props;
  if (isNotAllowedError(error)) {
    return (
      <WarningPanel
        severity="info"
        title={notAllowedTitle}
        message={describeMissingPermission(required)}
        defaultExpanded
      />
    );
  }
  return <ResponseErrorPanel title={title} error={error} />;
};
