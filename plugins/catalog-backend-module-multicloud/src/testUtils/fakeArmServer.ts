/*
 * A local Azure Resource Manager: JSON over https (a throw-away certificate
 * for 127.0.0.1, which the source trusts through `caCertificate`), bearer
 * tokens, list pages `{ value, nextLink }` with `$skiptoken`, and ARM's error
 * shape. What it answers is the caller's: a reply per request, built with the
 * helpers below; and the managed identity endpoint of an App Service, which
 * `DefaultAzureCredential` asks for its token. Shared by the tests and the
 * ingestion benchmark.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:https';
import {
  closeServer,
  decodeOffsetToken,
  emptyStats,
  encodeOffsetToken,
  Listing,
  listenLocally,
  pageOf,
  selfSignedCertificate,
  ServerStats,
} from './localServer';

/**
 * One request the fake received.
 *
 * @public
 */
export type ArmRequest = {
  /** Path and query. */
  path: string;
  url: URL;
  authorization?: string;
};

/**
 * What to answer: a JSON value (or raw text) with a status and headers (and
 * how many listed items it carries, for the stats), or no answer at all.
 *
 * @public
 */
export type ArmReply =
  | {
      status?: number;
      json?: unknown;
      text?: string;
      headers?: Record<string, string>;
      items?: number;
    }
  | 'hang';

/**
 * A running {@link startFakeArmServer}: its endpoint and certificate, the
 * requests received and what it served.
 *
 * @public
 */
export type FakeArmServer = {
  /** `https://127.0.0.1:<port>`, the source's `endpoint`. */
  endpoint: string;
  /** PEM of the server's certificate, the source's `caCertificate`. */
  certificate: string;
  requests: ArmRequest[];
  stats: ServerStats;
  close(): Promise<void>;
};

/**
 * Serves ARM on 127.0.0.1 over https. With `token`, a request without
 * `Authorization: Bearer <token>` gets ARM's 401.
 *
 * @public
 */
export async function startFakeArmServer(options: {
  token?: string;
  reply: (request: ArmRequest) => ArmReply;
}): Promise<FakeArmServer> {
  const { key, cert } = await selfSignedCertificate();
  const requests: ArmRequest[] = [];
  const stats = emptyStats();
  let endpoint = '';
  const server = createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', endpoint);
    const request = {
      path: `${url.pathname}${url.search}`,
      url,
      authorization: req.headers.authorization,
    };
    requests.push(request);
    const answer =
      options.token && request.authorization !== `Bearer ${options.token}`
        ? armError(401, 'AuthenticationFailed', 'Authentication failed.')
        : options.reply(request);
    if (answer === 'hang') {
      return;
    }
    const body = answer.text ?? JSON.stringify(answer.json);
    stats.requests++;
    stats.items += answer.items ?? 0;
    stats.bytes += Buffer.byteLength(body);
    res.writeHead(answer.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      ...answer.headers,
    });
    res.end(body);
  });
  endpoint = `https://127.0.0.1:${await listenLocally(server)}`;
  return {
    endpoint,
    certificate: cert,
    requests,
    stats,
    close: () => closeServer(server),
  };
}

/**
 * Which list a request asks for: a subscription's resources or resource
 * groups, or a provider's list of one type.
 *
 * @public
 */
export type ArmList =
  | { subscriptionId: string; list: 'resources' | 'resourcegroups' }
  | { subscriptionId: string; list: 'provider'; type: string };

/**
 * Which list a request's URL asks for; undefined for any other path.
 *
 * @public
 */
export function armListOf(url: URL): ArmList | undefined {
  const provider =
    /^\/subscriptions\/([^/]+)\/providers\/([^/]+\/[^/]+)$/i.exec(url.pathname);
  if (provider) {
    return { subscriptionId: provider[1], list: 'provider', type: provider[2] };
  }
  const list = /^\/subscriptions\/([^/]+)\/(resources|resourcegroups)$/i.exec(
    url.pathname,
  );
  return list
    ? {
        subscriptionId: list[1],
        list: list[2].toLowerCase() as 'resources' | 'resourcegroups',
      }
    : undefined;
}

/**
 * A list page; `nextSkipToken` makes its `nextLink` this URL with that
 * `$skiptoken`.
 *
 * @public
 */
export function armPage(
  url: URL,
  value: unknown[],
  nextSkipToken?: string,
): ArmReply {
  const body: { value: unknown[]; nextLink?: string } = { value };
  if (nextSkipToken !== undefined) {
    const next = new URL(url.href);
    next.searchParams.set('$skiptoken', nextSkipToken);
    body.nextLink = next.href;
  }
  return { json: body, items: value.length };
}

/**
 * The page of a listing a request asks for: `pageSize` items from its
 * `$skiptoken`.
 *
 * @public
 */
export function armListingPage(
  url: URL,
  listing: Listing<unknown>,
  pageSize: number,
): ArmReply {
  const start = decodeOffsetToken(url.searchParams.get('$skiptoken'));
  if (start < 0) {
    return armError(400, 'InvalidSkipToken', 'The skip token is invalid.');
  }
  const page = pageOf(listing, start, pageSize);
  return armPage(
    url,
    page.items,
    page.next === undefined ? undefined : encodeOffsetToken(page.next),
  );
}

/**
 * ARM's error shape: an `error` object with a `code` and a `message`.
 *
 * @public
 */
export function armError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): ArmReply {
  return { status, json: { error: { code, message } }, headers };
}

/**
 * A running {@link startFakeManagedIdentityServer}: the values of the
 * `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` environment variables that make
 * `DefaultAzureCredential` ask it for tokens.
 *
 * @public
 */
export type FakeManagedIdentityServer = {
  /** `http://127.0.0.1:<port>/msi/token`, for `IDENTITY_ENDPOINT`. */
  endpoint: string;
  /** The secret the requests must carry, for `IDENTITY_HEADER`. */
  header: string;
  close(): Promise<void>;
};

/**
 * Serves the managed identity endpoint of an Azure App Service on 127.0.0.1
 * over plain http, as App Service does inside the container: a `GET` with
 * the `X-IDENTITY-HEADER` secret gets `token` for the resource it names,
 * valid for an hour; any other request gets a 401.
 *
 * @public
 */
export async function startFakeManagedIdentityServer(options: {
  token: string;
}): Promise<FakeManagedIdentityServer> {
  const header = 'fake-identity-header';
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const resource = url.searchParams.get('resource');
    if (
      req.method !== 'GET' ||
      url.pathname !== '/msi/token' ||
      req.headers['x-identity-header'] !== header ||
      !resource
    ) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ statusCode: 401, message: 'Unauthorized request' }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        access_token: options.token,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource,
        token_type: 'Bearer',
      }),
    );
  });
  const port = await listenLocally(server);
  return {
    endpoint: `http://127.0.0.1:${port}/msi/token`,
    header,
    close: () => closeServer(server),
  };
}
