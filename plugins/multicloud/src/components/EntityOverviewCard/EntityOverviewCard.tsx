import { ReactNode } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { MulticloudApi, multicloudApiRef } from '../../api';
import { LoadErrorPanel } from '../shared/LoadErrorPanel';
import { MulticloudPermission } from '../shared/permissionError';

/**
 * Where a tab of the entity page is: `link` when given (the new frontend
 * system knows where the app mounts the tab), else the entity page's `path`.
 */
export function useEntityTabLink(path: string, link?: string): string {
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  return link ?? `${entityRoute(entityRouteParams(entity))}/${path}`;
}

/**
 * The frame of the Overview cards: loads what the card shows for the
 * entity in the `EntityProvider` around it, shows progress, then the
 * content or why it could not be loaded, and links to the card's tab.
 */
export function EntityOverviewCard<T>(props: {
  title: string;
  subheader?: string;
  /** Where the card's tab is, from {@link useEntityTabLink}. */
  link: string;
  /** The link's text, for example `View topology`. */
  linkTitle: string;
  /** Loads the content; asked again when the entity changes. */
  load: (api: MulticloudApi, entityRef: string) => Promise<T>;
  /** What failed, for example `Could not load the topology`. */
  errorTitle: string;
  /**
   * The read permission the content takes on the entity, and what a user
   * the backend refuses may not see, for example `You may not see this
   * entity's cost`.
   */
  notAllowed?: { permission: MulticloudPermission; title: string };
  children: (value: T) => ReactNode;
  /** Shown under the content once it has loaded or failed. */
  footer?: ReactNode;
}) {
  const {
    title,
    subheader,
    link,
    linkTitle,
    load,
    errorTitle,
    notAllowed,
    children,
    footer,
  } = props;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const multicloudApi = useApi(multicloudApiRef);

  // `load` is a new function on every render; what it loads depends only on
  // the API and the entity.
  const loaded = useAsync(
    () => load(multicloudApi, entityRef),
    [multicloudApi, entityRef],
  );

  let content;
  if (loaded.loading) {
    content = <Progress />;
  } else if (loaded.error && notAllowed) {
    content = (
      <LoadErrorPanel
        title={errorTitle}
        notAllowedTitle={notAllowed.title}
        required={{ permission: notAllowed.permission, resourceRef: entityRef }}
        error={loaded.error}
      />
    );
  } else if (loaded.error) {
    content = <ResponseErrorPanel title={errorTitle} error={loaded.error} />;
  } else {
    content = children(loaded.value as T);
  }

  return (
    <InfoCard
      title={title}
      subheader={subheader}
      deepLink={{ title: linkTitle, link }}
    >
      {content}
      {!loaded.loading && footer}
    </InfoCard>
  );
}
