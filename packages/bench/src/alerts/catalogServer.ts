/*
 * A catalog API over HTTP, served from memory, for benchmarks whose measured
 * process must not hold the catalog: the plugin reads it as it reads the real
 * one, through its backend's catalog service (`catalogServiceRef`'s default
 * factory, `@backstage/catalog-client` at the URL the discovery service
 * gives for `catalog`), so the measured process pays for the requests, the
 * JSON and the entities it keeps, and not for the catalog's own memory.
 *
 * Served: `GET /entities/by-query` (filter sets, `fields`, `limit`, cursor
 * paging, `totalItems`), `POST /entities/by-refs` (`fields`) and
 * `GET /entities/by-name/:kind/:namespace/:name`, in the catalog's wire
 * format. Answers come from memory, so they are faster than a real catalog's,
 * which reads its database: the figures of a benchmark using this say how
 * long the catalog took to answer.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  ClientRequest,
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import { AddressInfo } from 'node:net';

export type CatalogServerStats = {
  requests: number;
  /** Time spent building answers (filtering, pruning fields, JSON), ms. */
  serveMs: number;
  bytes: number;
};

export type CatalogServer = {
  /** `http://127.0.0.1:<port>/api/catalog` */
  baseUrl: string;
  /** Counters since the last reset. */
  stats(reset?: boolean): CatalogServerStats;
  stop(): Promise<void>;
};

type Condition = { path: string[]; values?: string[] };

const lower = (value: string) => value.toLocaleLowerCase('en-US');

/**
 * The values at a simplified JSON path (`metadata.annotations.a.io/b`): at
 * each object the longest run of path parts that is one of its keys (keys
 * may hold dots), compared without case; arrays are descended.
 */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.flatMap(item => valuesAt(item, path));
  }
  if (!value || typeof value !== 'object') {
    return [];
  }
  const keys = Object.keys(value);
  for (let take = path.length; take >= 1; take--) {
    const wanted = path.slice(0, take).join('.');
    const key = keys.find(k => lower(k) === wanted);
    if (key !== undefined) {
      return valuesAt(
        (value as Record<string, unknown>)[key],
        path.slice(take),
      );
    }
  }
  return [];
}

/** One filter set: `kind=resource,metadata.annotations.x`; same key twice: either value. */
function parseFilterSet(text: string): Condition[] {
  const byKey = new Map<string, Condition>();
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    const key = lower((at < 0 ? part : part.slice(0, at)).trim());
    if (!key) {
      continue;
    }
    const condition = byKey.get(key) ?? { path: key.split('.') };
    if (at >= 0) {
      condition.values = [
        ...(condition.values ?? []),
        lower(part.slice(at + 1).trim()),
      ];
    }
    byKey.set(key, condition);
  }
  return [...byKey.values()];
}

function matches(entity: Entity, conditions: Condition[]): boolean {
  return conditions.every(({ path, values }) => {
    const found = valuesAt(entity, path);
    if (!values) {
      return found.length > 0;
    }
    return found.some(
      v =>
        (typeof v === 'string' || typeof v === 'number') &&
        values.includes(lower(String(v))),
    );
  });
}

/** Keeps only the given paths of an entity, as the catalog's `fields` does. */
function prune(entity: Entity, fields: string[]): unknown {
  if (fields.length === 0) {
    return entity;
  }
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    copyPath(
      entity as unknown as Record<string, unknown>,
      out,
      field.split('.'),
    );
  }
  return out;
}

function copyPath(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  path: string[],
) {
  for (let take = path.length; take >= 1; take--) {
    const key = path.slice(0, take).join('.');
    if (!(key in from)) {
      continue;
    }
    const value = from[key];
    if (take === path.length) {
      to[key] = value;
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const child = (to[key] ?? {}) as Record<string, unknown>;
      to[key] = child;
      copyPath(value as Record<string, unknown>, child, path.slice(take));
    }
    return;
  }
}

const fieldsOf = (values: string[]) =>
  values
    .flatMap(v => v.split(','))
    .map(f => f.trim())
    .filter(Boolean);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Serves `entities` on 127.0.0.1 until `stop()`. */
export async function startCatalogServer(
  entities: Entity[],
): Promise<CatalogServer> {
  const byRef = new Map(
    entities.map(e => [lower(stringifyEntityRef(e)), e] as const),
  );
  /** Indexes of the entities each filter (all its sets, as text) matches. */
  const matching = new Map<string, number[]>();
  const stats: CatalogServerStats = { requests: 0, serveMs: 0, bytes: 0 };

  const matchingIndexes = (filters: string[]): number[] => {
    const key = JSON.stringify(filters);
    let found = matching.get(key);
    if (!found) {
      const sets = filters.map(parseFilterSet);
      found = [];
      for (let i = 0; i < entities.length; i++) {
        if (sets.length === 0 || sets.some(set => matches(entities[i], set))) {
          found.push(i);
        }
      }
      matching.set(key, found);
    }
    return found;
  };

  const answer = (
    res: ServerResponse,
    status: number,
    body: unknown,
    started: number,
  ) => {
    const text = JSON.stringify(body);
    stats.requests += 1;
    stats.serveMs += performance.now() - started;
    stats.bytes += Buffer.byteLength(text);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname.replace(/^\/api\/catalog/, '');
    if (req.method === 'GET' && route === '/entities/by-query') {
      const started = performance.now();
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const fields = fieldsOf(url.searchParams.getAll('fields'));
      let filters = url.searchParams.getAll('filter');
      let offset = Number(url.searchParams.get('offset') ?? 0);
      const cursor = url.searchParams.get('cursor');
      if (cursor) {
        const decoded = JSON.parse(
          Buffer.from(cursor, 'base64url').toString('utf8'),
        );
        filters = decoded.filters;
        offset = decoded.offset;
      }
      const indexes = matchingIndexes(filters);
      const page = indexes.slice(offset, offset + limit);
      const nextOffset = offset + page.length;
      answer(
        res,
        200,
        {
          items: page.map(i => prune(entities[i], fields)),
          totalItems: indexes.length,
          pageInfo:
            nextOffset < indexes.length
              ? {
                  nextCursor: Buffer.from(
                    JSON.stringify({ filters, offset: nextOffset }),
                  ).toString('base64url'),
                }
              : {},
        },
        started,
      );
      return;
    }
    if (req.method === 'POST' && route === '/entities/by-refs') {
      const body = JSON.parse(await readBody(req)) as {
        entityRefs: string[];
        fields?: string[];
      };
      const started = performance.now();
      const fields = fieldsOf(body.fields ?? []);
      answer(
        res,
        200,
        {
          items: body.entityRefs.map(ref => {
            const found = byRef.get(lower(ref));
            return found ? prune(found, fields) : null;
          }),
        },
        started,
      );
      return;
    }
    const byName = /^\/entities\/by-name\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(
      route,
    );
    if (req.method === 'GET' && byName) {
      const started = performance.now();
      const [kind, namespace, name] = byName
        .slice(1)
        .map(part => decodeURIComponent(part));
      const found = byRef.get(lower(`${kind}:${namespace}/${name}`));
      answer(
        res,
        found ? 200 : 404,
        found ?? {
          error: { name: 'NotFoundError', message: `No entity ${route}` },
        },
        started,
      );
      return;
    }
    answer(
      res,
      404,
      {
        error: {
          name: 'NotFoundError',
          message: `The bench catalog serves no ${req.method} ${route}`,
        },
      },
      performance.now(),
    );
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(error => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { name: 'Error', message: String(error) } }),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/catalog`,
    stats(reset = false) {
      const copy = { ...stats };
      if (reset) {
        Object.assign(stats, { requests: 0, serveMs: 0, bytes: 0 });
      }
      return copy;
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Times this process's requests to the catalog at `baseUrl`, from when each
 * request is created to its answer's last byte (Node's `http.client`
 * diagnostics channels; the catalog client reads the answers with
 * `node:http`); `waitMs()` is their sum, the time spent waiting for the
 * catalog. Parsing the JSON afterwards is not in it.
 */
export function timeCatalogRequests(baseUrl: string): {
  waitMs(reset?: boolean): number;
  stop(): void;
} {
  const host = new URL(baseUrl).host;
  const started = new WeakMap<ClientRequest, number>();
  let waited = 0;
  const onStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (request.getHeader('host') === host) {
      started.set(request, performance.now());
    }
  };
  const onResponse = (message: unknown) => {
    const { request, response } = message as {
      request: ClientRequest;
      response: IncomingMessage;
    };
    const at = started.get(request);
    if (at !== undefined) {
      response.once('end', () => {
        waited += performance.now() - at;
      });
    }
  };
  subscribe('http.client.request.start', onStart);
  subscribe('http.client.response.finish', onResponse);
  return {
    waitMs(reset = false) {
      const value = waited;
      if (reset) {
        waited = 0;
      }
      return value;
    },
    stop() {
      unsubscribe('http.client.request.start', onStart);
      unsubscribe('http.client.response.finish', onResponse);
    },
  };
}
