/*
 * Plumbing shared by the wire-format fakes of the cloud APIs in this folder,
 * which the module's tests and the ingestion benchmark (through the
 * package's `testUtils` entry point) both run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * What a fake served so far: answered requests, listed items and body bytes.
 *
 * @public
 */
export type ServerStats = { requests: number; items: number; bytes: number };

export function emptyStats(): ServerStats {
  return { requests: 0, items: 0, bytes: 0 };
}

/** Listens on a free port of 127.0.0.1 and returns it. */
export async function listenLocally(server: Server): Promise<number> {
  // Cloud front ends keep idle connections for about a minute (Node's default
  // is 5 s, which makes a client that reuses a connection after a busy spell
  // race the server's close and see "socket hang up").
  server.keepAliveTimeout = 65_000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Closes the server, dropping the connections of requests left hanging. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>(resolve => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Reads the whole body of a request as text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', chunk => {
      body += chunk;
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

/** A throw-away self-signed certificate for 127.0.0.1, made with openssl. */
export async function selfSignedCertificate(): Promise<{
  key: Buffer;
  cert: string;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'multicloud-fake-tls-'));
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    return {
      key: await readFile(join(dir, 'key.pem')),
      cert: await readFile(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * An opaque page token that carries the offset of the page's first item.
 *
 * @public
 */
export function encodeOffsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString('base64');
}

/**
 * The offset of a page token: 0 without one, -1 for a token that is not ours.
 *
 * @public
 */
export function decodeOffsetToken(token: string | null | undefined): number {
  if (!token) {
    return 0;
  }
  try {
    const offset = JSON.parse(Buffer.from(token, 'base64').toString()).o;
    return Number.isInteger(offset) && offset >= 0 ? offset : -1;
  } catch {
    return -1;
  }
}

/**
 * Items of a listing, made one by one as a page asks for them.
 *
 * @public
 */
export type Listing<T> = { count: number; item(index: number): T };

/** A listing over the items of an array. */
export function listingOf<T>(items: readonly T[]): Listing<T> {
  return { count: items.length, item: index => items[index] };
}

/**
 * The page of `listing` that starts at `offset`, at most `limit` items, and
 * the offset of the next page when there is one.
 */
export function pageOf<T>(
  listing: Listing<T>,
  offset: number,
  limit: number,
): { items: T[]; next?: number } {
  const end = Math.min(listing.count, offset + limit);
  const items: T[] = [];
  for (let index = offset; index < end; index++) {
    items.push(listing.item(index));
  }
  return { items, ...(end < listing.count ? { next: end } : {}) };
}
