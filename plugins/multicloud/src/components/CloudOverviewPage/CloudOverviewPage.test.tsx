import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { screen } from '@testing-library/react';
import { MulticloudApi, multicloudApiRef } from '../../api';
import { CloudOverviewPage } from './CloudOverviewPage';

function apiAnswering(getHealth: MulticloudApi['getHealth']): MulticloudApi {
  return { getHealth };
}

describe('CloudOverviewPage', () => {
  it('shows the backend version and database', async () => {
    const api = apiAnswering(async () => ({
      status: 'ok',
      version: '1.2.3',
      database: 'postgres',
    }));
    await renderInTestApp(<CloudOverviewPage />, {
      apis: [[multicloudApiRef, api]],
    });

    expect(await screen.findByText('1.2.3')).toBeInTheDocument();
    expect(screen.getByText('PostgreSQL')).toBeInTheDocument();
    expect(screen.getByText('Cloud overview')).toBeInTheDocument();
  });

  it('says plainly when the backend cannot be reached', async () => {
    const api = apiAnswering(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({ error: { name: 'Error', message: 'boom' } }),
          {
            status: 503,
            statusText: 'Service Unavailable',
            headers: { 'Content-Type': 'application/json' },
          },
        ),
      );
    });
    await renderInTestApp(<CloudOverviewPage />, {
      apis: [[multicloudApiRef, api]],
    });

    expect(
      await screen.findByText(/Multicloud backend unavailable/),
    ).toBeInTheDocument();
  });
});
