import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { hostOf, isAllowedAddress } from './webhooks.target.ts';

/** An address a target host resolved to and that passed the safety rules. */
export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

/** Why a target cannot be reached safely: it resolves nowhere, or somewhere off limits. */
export class TargetRefusedError extends Error {
  constructor(
    readonly reason: 'unresolvable' | 'forbidden',
    message: string,
  ) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/** Resolves every address of a host name (A and AAAA). */
export type HostResolver = (host: string) => Promise<{ address: string; family: number }[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), all addresses in resolver order. */
export const systemResolver: HostResolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Resolves the URL's host and checks every address it resolves to; one forbidden address
 * refuses the whole host, so a name cannot mix a public and a private answer.
 */
export async function vetTarget(
  url: URL,
  options: { allowPrivate: boolean; resolve?: HostResolver },
): Promise<VettedAddress> {
  const host = hostOf(url);
  let answers: { address: string; family: number }[];
  if (isIP(host)) answers = [{ address: host, family: isIP(host) }];
  else {
    try {
      answers = await (options.resolve ?? systemResolver)(host);
    } catch {
      answers = [];
    }
  }
  if (answers.length === 0) throw new TargetRefusedError('unresolvable', `The host ${host} does not resolve`);
  for (const answer of answers) {
    if (!isAllowedAddress(answer.address, options.allowPrivate)) {
      throw new TargetRefusedError('forbidden', `The host ${host} resolves to a private or reserved address`);
    }
  }
  const first = answers[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** What came back from one POST. */
export interface SendResult {
  status: number;
}

/** One webhook POST to a vetted address. */
export interface SendRequest {
  url: URL;
  target: VettedAddress;
  headers: Record<string, string>;
  body: string;
  /** The whole exchange (connect, headers, body) must finish within this, ms. */
  timeoutMs: number;
  /** At most this many response body bytes are read (then discarded). */
  maxResponseBytes: number;
}

/**
 * POSTs `body` to `url`, connecting only to the vetted address (the `lookup` option answers
 * with it, so a DNS change between the check and the connection cannot redirect the request).
 * Redirects are not followed. Rejects on network errors and on timeout.
 */
export function sendWebhook(req: SendRequest): Promise<SendResult> {
  const { url, target } = req;
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, result?: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outgoing.destroy();
      if (error) reject(error);
      else resolve(result!);
    };
    const outgoing = requestFn(
      url,
      {
        method: 'POST',
        headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
        lookup,
        agent: false,
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received >= req.maxResponseBytes) finish(null, { status });
        });
        response.on('end', () => finish(null, { status }));
        response.on('error', () => finish(null, { status }));
      },
    );
    const timer = setTimeout(
      () => finish(new Error(`No complete answer within ${Math.round(req.timeoutMs / 1000)} s`)),
      req.timeoutMs,
    );
    outgoing.on('error', (error) => finish(new Error(describeNetworkError(error))));
    outgoing.end(req.body);
  });
}

/** A short, stable description of a network error for the delivery log. */
function describeNetworkError(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
      return 'Connection reset by the endpoint';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'Endpoint unreachable';
    default:
      return error.code ? `Request failed (${error.code})` : `Request failed: ${error.message}`;
  }
}
