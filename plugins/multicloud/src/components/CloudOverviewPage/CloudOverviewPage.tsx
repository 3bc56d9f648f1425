import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { multicloudApiRef } from '../../api';
import { CostOverview } from '../CostOverview';
import { AlertsByTeam } from './AlertsByTeam';
import { InventoryOverview } from './InventoryOverview';
import { SourcesTable } from './SourcesTable';

const DATABASE_LABELS = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
};

/** Status of the multicloud backend, the first card of the overview page. */
export const BackendStatusCard = () => {
  const multicloudApi = useApi(multicloudApiRef);
  const { value, loading, error } = useAsync(
    () => multicloudApi.getHealth(),
    [multicloudApi],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <ResponseErrorPanel
        title="Multicloud backend unavailable"
        error={error}
      />
    );
  }
  return (
    <InfoCard title="Multicloud backend">
      <StructuredMetadataTable
        metadata={{
          status: value!.status,
          version: value!.version,
          database: DATABASE_LABELS[value!.database],
        }}
      />
    </InfoCard>
  );
};

/**
 * The Cloud overview page's content, without a header: in the new frontend
 * system the page's header is the app's.
 */
export const CloudOverviewContent = () => (
  <Content>
    <ContentHeader title="Inventory" />
    <InventoryOverview />
    <ContentHeader title="Cost" />
    <CostOverview />
    <ContentHeader title="Alerts and savings by team" />
    <AlertsByTeam />
    <ContentHeader title="Sources" />
    <SourcesTable />
    <ContentHeader title="Status" />
    <BackendStatusCard />
  </Content>
);

/**
 * The Cloud overview page: multicloud status across every team, with its
 * own header, for the legacy frontend system.
 *
 * @public
 */
export const CloudOverviewPage = () => (
  <Page themeId="tool">
    <Header
      title="Cloud overview"
      subtitle="Cloud resources, cost and alerts across every team"
    />
    <CloudOverviewContent />
  </Page>
);
