/*
 * A local Compute Engine metadata server: what Application Default
 * Credentials (google-auth-library, through gcp-metadata) ask it on Google
 * Cloud, with the header checks the real one makes.
 */
import { createServer, ServerResponse } from 'node:http';
import { closeServer, listenLocally } from './localServer';

/**
 * One request a {@link startFakeGceMetadataServer} received.
 *
 * @public
 */
export type GceMetadataRequest = {
  method: string;
  /** Below `/computeMetadata/v1/`, for example `project/project-id`. */
  path: string;
  query: URLSearchParams;
  /** The `Metadata-Flavor` header the request carried, if any. */
  metadataFlavor?: string;
};

/**
 * A running {@link startFakeGceMetadataServer}.
 *
 * @public
 */
export type FakeGceMetadataServer = {
  /** `127.0.0.1:<port>`, for `GCE_METADATA_HOST`. */
  host: string;
  /**
   * The environment variables that make Application Default Credentials use
   * this server as the metadata server of a Compute Engine VM:
   * `GCE_METADATA_HOST` (its address) and
   * `METADATA_SERVER_DETECTION=assume-present` (no detection ping). The
   * credential file ADC looks for first (`GOOGLE_APPLICATION_CREDENTIALS`,
   * then `~/.config/gcloud/application_default_credentials.json`) must not
   * exist, and `GCE_METADATA_IP`, which gcp-metadata prefers, must be unset.
   */
  env: { GCE_METADATA_HOST: string; METADATA_SERVER_DETECTION: string };
  projectId: string;
  serviceAccountEmail: string;
  /** Every request received, in order. */
  requests: GceMetadataRequest[];
  close(): Promise<void>;
};

const BASE_PATH = '/computeMetadata/v1/';

/**
 * Serves the Compute Engine metadata server on 127.0.0.1 over plain http, as
 * a VM sees it at `metadata.google.internal`, for Application Default
 * Credentials: the project id (`project/project-id`,
 * `project/numeric-project-id`), the default service account (`token`, an
 * OAuth access token for `token` valid for an hour, whatever `scopes` are
 * asked; `email`; `scopes`), the universe domain and the `instance/`
 * directory gcp-metadata pings to detect it. As the real server does, it
 * answers only `GET`s that carry `Metadata-Flavor: Google` and no
 * `X-Forwarded-For` (403 otherwise), sends `Metadata-Flavor: Google` back,
 * and answers 404 to other paths.
 *
 * @public
 */
export async function startFakeGceMetadataServer(options: {
  token: string;
  /** Default `fake-project`. */
  projectId?: string;
  /** Default `123456789012`. */
  numericProjectId?: string;
  /** Default `<numericProjectId>-compute@developer.gserviceaccount.com`. */
  serviceAccountEmail?: string;
}): Promise<FakeGceMetadataServer> {
  const projectId = options.projectId ?? 'fake-project';
  const numericProjectId = options.numericProjectId ?? '123456789012';
  const serviceAccountEmail =
    options.serviceAccountEmail ??
    `${numericProjectId}-compute@developer.gserviceaccount.com`;
  const requests: GceMetadataRequest[] = [];

  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    contentType = 'application/text',
  ) => {
    res.writeHead(status, {
      'metadata-flavor': 'Google',
      'content-type': contentType,
      server: 'Metadata Server for VM',
    });
    res.end(body);
  };

  /** The text or JSON value at `path`, undefined for none. */
  const valueAt = (
    path: string,
  ): { body: string; contentType?: string } | undefined => {
    const account =
      /^instance\/service-accounts\/([^/]+)\/(token|email|scopes)$/.exec(path);
    if (account) {
      if (account[1] !== 'default' && account[1] !== serviceAccountEmail) {
        return undefined;
      }
      if (account[2] === 'token') {
        return {
          body: JSON.stringify({
            access_token: options.token,
            expires_in: 3599,
            token_type: 'Bearer',
          }),
          contentType: 'application/json',
        };
      }
      return {
        body:
          account[2] === 'email'
            ? serviceAccountEmail
            : 'https://www.googleapis.com/auth/cloud-platform\n',
      };
    }
    switch (path) {
      case 'instance':
      case 'instance/':
        return {
          body: 'attributes/\nhostname\nid\nservice-accounts/\nzone\n',
        };
      case 'instance/service-accounts':
      case 'instance/service-accounts/':
        return { body: `default/\n${serviceAccountEmail}/\n` };
      case 'project/project-id':
        return { body: projectId };
      case 'project/numeric-project-id':
        return { body: numericProjectId };
      case 'universe/universe-domain':
        return { body: 'googleapis.com' };
      default:
        return undefined;
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const flavor = req.headers['metadata-flavor'];
    const request: GceMetadataRequest = {
      method: req.method ?? '',
      path: url.pathname.startsWith(BASE_PATH)
        ? url.pathname.slice(BASE_PATH.length)
        : url.pathname,
      query: url.searchParams,
      metadataFlavor: Array.isArray(flavor) ? flavor.join(',') : flavor,
    };
    requests.push(request);
    if (req.headers['x-forwarded-for'] !== undefined) {
      send(res, 403, 'Request had an X-Forwarded-For header; refused.\n');
      return;
    }
    if (request.metadataFlavor !== 'Google') {
      send(res, 403, 'Missing required header "Metadata-Flavor": "Google"\n');
      return;
    }
    if (req.method !== 'GET') {
      send(res, 405, 'Method not allowed\n');
      return;
    }
    const value = url.pathname.startsWith(BASE_PATH)
      ? valueAt(request.path)
      : undefined;
    if (!value) {
      send(res, 404, 'Not Found\n', 'text/html; charset=UTF-8');
      return;
    }
    send(res, 200, value.body, value.contentType);
  });
  const port = await listenLocally(server);
  const host = `127.0.0.1:${port}`;
  return {
    host,
    env: {
      GCE_METADATA_HOST: host,
      METADATA_SERVER_DETECTION: 'assume-present',
    },
    projectId,
    serviceAccountEmail,
    requests,
    close: () => closeServer(server),
  };
}
