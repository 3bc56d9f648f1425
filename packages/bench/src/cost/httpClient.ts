/*
 * The bench's HTTP client for the plugin's API: timed GETs, uploads and
 * long POSTs over node:http (no client-side timeout: fetch gives up on
 * response headers after 300 s, and a rebuild of a large store takes
 * longer), and the concurrent clients of the query and replicas parts.
 * bench:alerts times its GETs with it too.
 */
import fs from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';

export type HttpAnswer<T> = {
  status: number;
  body: T;
  /** From the first byte sent to the last byte received. */
  ms: number;
};

/**
 * GETs `url` and reads the whole answer: the time is to the last byte.
 * `body` is the answer's bytes.
 */
export async function timedGet(
  url: string,
): Promise<{ ms: number; bytes: number; status: number; body: ArrayBuffer }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  return {
    ms: performance.now() - started,
    bytes: body.byteLength,
    status: response.status,
    body,
  };
}

/**
 * POSTs `file` (or nothing) to `url` and reads the JSON answer; rejects on
 * a status other than `expected`, with the answer's text.
 */
export async function post<T>(
  url: string,
  options: { file?: string; contentType?: string; expected: number },
): Promise<HttpAnswer<T>> {
  const started = performance.now();
  const response = await new Promise<{ status: number; text: string }>(
    (resolve, reject) => {
      const request = http.request(
        url,
        {
          method: 'POST',
          headers: options.contentType
            ? { 'content-type': options.contentType }
            : {},
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      request.on('error', reject);
      if (options.file) {
        pipeline(fs.createReadStream(options.file), request).catch(reject);
      } else {
        request.end();
      }
    },
  );
  const ms = performance.now() - started;
  if (response.status !== options.expected) {
    throw new Error(
      `POST ${url} answered ${response.status}: ${response.text.slice(
        0,
        2000,
      )}`,
    );
  }
  return { status: response.status, body: JSON.parse(response.text), ms };
}

export type ConcurrentResult = {
  connections: number;
  durationS: number;
  /** Answers received within the duration, per second. */
  requestsPerSecond: number;
  /** Answers received within the duration. */
  total: number;
  /** Failed requests, timeouts included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Latencies of the answered requests; null when none was answered. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** Answers received within the duration from each of the URLs, in their order. */
  answeredByUrl: number[];
};

/**
 * `connections` clients, each on its own keep-alive connection, each sending
 * the next GET as soon as the last one is answered, for `durationS` seconds
 * (a closed loop, as autocannon runs). With several URLs (the same request
 * to several backends) the clients are dealt out over them in turn. A
 * request unanswered after `timeoutMs` counts as an error and a timeout,
 * and its connection is replaced. Requests still in flight at the end are
 * abandoned and not counted.
 */
export async function concurrentGets(options: {
  url: string | string[];
  /**
   * Makes the URL of each request (the `n`th sent, from 0) from its URL,
   * e.g. to ask every time a question never asked before.
   */
  urlOf?: (url: string, n: number) => string;
  connections: number;
  durationS: number;
  timeoutMs?: number;
}): Promise<ConcurrentResult> {
  const { connections, durationS } = options;
  const urls = typeof options.url === 'string' ? [options.url] : options.url;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const answeredByUrl = urls.map(() => 0);
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  let stopped = false;
  let sent = 0;
  const inFlight = new Set<http.ClientRequest>();

  const one = (urlIndex: number) =>
    new Promise<void>(resolve => {
      const started = performance.now();
      let timedOut = false;
      let settled = false;
      let request: http.ClientRequest | undefined = undefined;
      const settle = (outcome: 'answered' | 'failed', status = 0) => {
        if (settled) {
          return;
        }
        settled = true;
        inFlight.delete(request!);
        if (!stopped && outcome === 'answered') {
          latencies.push(performance.now() - started);
          answeredByUrl[urlIndex] += 1;
          if (status < 200 || status >= 300) {
            non2xx += 1;
          }
        } else if (!stopped) {
          errors += 1;
          if (timedOut) {
            timeouts += 1;
          }
        }
        resolve();
      };
      const url = urls[urlIndex];
      request = http.get(
        options.urlOf ? options.urlOf(url, sent++) : url,
        { agent },
        res => {
          res.resume();
          res.on('error', () => settle('failed'));
          res.on('end', () => settle('answered', res.statusCode ?? 0));
        },
      );
      inFlight.add(request);
      request.setTimeout(timeoutMs, () => {
        timedOut = true;
        request.destroy();
      });
      request.on('error', () => settle('failed'));
      // Destroyed mid-answer (at the end of the run): no 'end', no 'error'.
      request.on('close', () => settle('failed'));
    });

  const clients = Array.from({ length: connections }, async (_, client) => {
    while (!stopped) {
      await one(client % urls.length);
    }
  });
  await new Promise(resolve => setTimeout(resolve, durationS * 1000));
  stopped = true;
  for (const request of inFlight) {
    request.destroy();
  }
  await Promise.all(clients);
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies.length === 0
      ? null
      : latencies[
          Math.min(
            latencies.length,
            Math.max(1, Math.ceil(p * latencies.length)),
          ) - 1
        ];
  return {
    connections,
    durationS,
    requestsPerSecond: latencies.length / durationS,
    total: latencies.length,
    errors,
    timeouts,
    non2xx,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: latencies.length ? latencies[latencies.length - 1] : null,
    answeredByUrl,
  };
}
