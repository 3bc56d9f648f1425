/*
 * A local Cloud Asset API: REST `GET /v1/{scope}:searchAllResources` with
 * `pageSize`, `pageToken`, `assetTypes` and `readMask`, answered with
 * `{ results, nextPageToken }` or Google's error shape. What it answers is
 * the caller's: a reply per request, built with the helpers below. The GCP
 * source reaches it through its config (`transport: rest`, `apiEndpoint:
 * http://127.0.0.1:<port>`), with a token from the fake metadata server
 * (fakeGceMetadataServer.ts) or, in Jest, an injected client.
 */
import { createServer } from 'node:http';
import {
  closeServer,
  emptyStats,
  listenLocally,
  ServerStats,
} from './localServer';

/**
 * One request the fake received.
 *
 * @public
 */
export type CloudAssetRequest = {
  method: string;
  path: string;
  /** `organizations/<n>`, `folders/<n>` or `projects/<id>`. */
  scope: string;
  query: URLSearchParams;
  authorization?: string;
};

/**
 * What to answer: a JSON body with a status (and how many results it
 * carries, for the stats), or no answer at all.
 *
 * @public
 */
export type CloudAssetReply =
  | { status?: number; body: string; items?: number }
  | 'hang';

/**
 * A running {@link startFakeCloudAssetServer}: its port, the requests
 * received and what it served.
 *
 * @public
 */
export type FakeCloudAssetServer = {
  /** The port on 127.0.0.1: the source's `apiEndpoint` is `http://127.0.0.1:<port>`. */
  port: number;
  requests: CloudAssetRequest[];
  stats: ServerStats;
  /** Drops the connections of requests left hanging. */
  dropConnections(): void;
  close(): Promise<void>;
};

/**
 * Serves Cloud Asset's REST search on 127.0.0.1 over plain http. Other paths
 * get a 404; with `token`, a request without `Authorization: Bearer <token>`
 * gets a 401.
 *
 * @public
 */
export async function startFakeCloudAssetServer(options: {
  token?: string;
  reply: (request: CloudAssetRequest) => CloudAssetReply;
}): Promise<FakeCloudAssetServer> {
  const requests: CloudAssetRequest[] = [];
  const stats = emptyStats();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const search = /^\/v1\/(.+):searchAllResources$/.exec(url.pathname);
    const request = {
      method: req.method ?? '',
      path: url.pathname,
      scope: search?.[1] ?? '',
      query: url.searchParams,
      authorization: req.headers.authorization,
    };
    requests.push(request);
    let answer: CloudAssetReply;
    if (options.token && request.authorization !== `Bearer ${options.token}`) {
      answer = googleError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials.',
      );
    } else if (!search) {
      answer = googleError(404, 'NOT_FOUND', `No route for ${url.pathname}`);
    } else {
      answer = options.reply(request);
    }
    if (answer === 'hang') {
      return;
    }
    stats.requests++;
    stats.items += answer.items ?? 0;
    stats.bytes += Buffer.byteLength(answer.body);
    res.writeHead(answer.status ?? 200, {
      'content-type': 'application/json; charset=UTF-8',
    });
    res.end(answer.body);
  });
  const port = await listenLocally(server);
  return {
    port,
    requests,
    stats,
    dropConnections: () => server.closeAllConnections(),
    close: () => closeServer(server),
  };
}

/**
 * A page of search results.
 *
 * @public
 */
export function searchAnswer(
  results: unknown[],
  nextPageToken?: string,
): CloudAssetReply {
  return {
    body: JSON.stringify({
      results,
      ...(nextPageToken ? { nextPageToken } : {}),
    }),
    items: results.length,
  };
}

/**
 * Google's error shape, `{"error":{"code","message","status"}}`.
 *
 * @public
 */
export function googleError(
  code: number,
  status: string,
  message: string,
): CloudAssetReply {
  return {
    status: code,
    body: JSON.stringify({ error: { code, message, status } }),
  };
}

/**
 * A search result as the API returns it for a `readMask`: the top-level
 * fields it names (`*`: all of them); without one, all but the large
 * `versionedResources`.
 *
 * @public
 */
export function readMasked(
  result: Record<string, unknown>,
  readMask: string | null,
): Record<string, unknown> {
  if (readMask === '*') {
    return result;
  }
  const fields = readMask?.split(',');
  return Object.fromEntries(
    Object.entries(result).filter(([key]) =>
      fields ? fields.includes(key) : key !== 'versionedResources',
    ),
  );
}
