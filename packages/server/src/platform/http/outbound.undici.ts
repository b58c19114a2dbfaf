import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Agent, buildConnector, type RequestInit as UndiciRequestInit, fetch as undiciFetch } from 'undici';
import { isOutboundError, outboundErrors } from './outbound.errors.ts';
import { judgeAddress, originKey, originKeys, ownAddresses } from './outbound.rules.ts';
import type { GuardedOutboundHttp, HostResolver, OutboundOptions } from './outbound.ts';

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address in resolver order. */
export const systemResolver: HostResolver = (hostname) =>
  dnsLookup(hostname, { all: true, order: 'verbatim' });

/** Statuses whose responses have no body (a Response built with one would throw). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Network error codes meaning the host name has no address. */
const UNRESOLVED_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME']);
/** undici's and the socket's own time limits. */
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
/** Short words for the usual connection failures, for logs that operators read. */
const CONNECT_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by the target',
  EHOSTUNREACH: 'Target unreachable',
  ENETUNREACH: 'Target unreachable',
  UND_ERR_SOCKET: 'The target closed the connection',
};

/**
 * Outbound HTTP over undici. The policy is applied where the socket is made: host names are
 * resolved by a lookup that refuses the whole host when any of its addresses is off limits (so
 * the addresses checked are the ones connected to, and a DNS answer that changes after an
 * earlier check changes nothing), IP literals are judged before connecting, and the peer of every
 * new socket is judged once more. Origins the operator configured skip the address rules.
 */
export class UndiciOutboundHttp implements GuardedOutboundHttp {
  private readonly agent: Agent;
  private readonly trusted: ReadonlySet<string>;
  private readonly resolve: HostResolver;

  constructor(private readonly options: OutboundOptions) {
    this.trusted = originKeys(options.allowedOrigins);
    this.resolve = options.resolve ?? systemResolver;
    const plain = buildConnector({ timeout: options.timeoutMs });
    const guarded = buildConnector({ timeout: options.timeoutMs, lookup: this.lookup });
    this.agent = new Agent({
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: (opts, callback) => {
        const origin = originKey(opts.protocol, opts.hostname, opts.port);
        if (origin && this.trusted.has(origin)) {
          plain(opts, callback);
          return;
        }
        // Node's connect skips the lookup for an IP literal, so it is judged here.
        if (isIP(opts.hostname) && !this.permits(opts.hostname)) {
          callback(outboundErrors.OUTBOUND_TARGET_PRIVATE(), null);
          return;
        }
        guarded(opts, (...args) => {
          const [error, socket] = args;
          if (error) return callback(error, null);
          if (!this.permits(socket.remoteAddress ?? '')) {
            socket.destroy();
            return callback(outboundErrors.OUTBOUND_TARGET_PRIVATE(), null);
          }
          callback(null, socket);
        });
      },
    });
  }

  async checkTarget(url: URL): Promise<void> {
    checkScheme(url);
    if (this.options.allowPrivate || this.isTrusted(url)) return;
    await this.addressesOf(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  }

  async checkHost(hostname: string): Promise<void> {
    if (this.options.allowPrivate) return;
    await this.addressesOf(hostname.replace(/^\[(.*)\]$/, '$1'));
  }

  async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw outboundErrors.OUTBOUND_URL_INVALID();
    }
    checkScheme(url);
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const translate = (error: unknown) => translateError(error, signal, deadline);
    let response: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      // The global RequestInit and undici's describe the same dictionary; only their stream and
      // FormData types differ by declaration.
      const request = { ...init, redirect: 'manual', signal, dispatcher: this.agent } as UndiciRequestInit;
      response = await undiciFetch(url, request);
    } catch (error) {
      throw translate(error);
    }
    return this.wrap(response, translate);
  }

  /** Closes the pooled connections. */
  close(): Promise<void> {
    return this.agent.close();
  }

  /** Whether the origin of `url` is one the operator configured. */
  private isTrusted(url: URL): boolean {
    const origin = originKey(url.protocol, url.hostname, url.port);
    return origin !== null && this.trusted.has(origin);
  }

  /** Whether the policy lets a connection to `address` through. */
  private permits(address: string): boolean {
    if (this.options.allowPrivate) return true;
    const own = ownAddresses((this.options.networkInterfaces ?? networkInterfaces)());
    return judgeAddress(address, own).allowed;
  }

  /** Every address of `hostname`, each allowed by the policy; one refused address refuses the host. */
  private async addressesOf(hostname: string): Promise<{ address: string; family: number }[]> {
    let answers: { address: string; family: number }[];
    if (isIP(hostname)) answers = [{ address: hostname, family: isIP(hostname) }];
    else {
      try {
        answers = await this.resolve(hostname);
      } catch {
        answers = [];
      }
    }
    if (answers.length === 0) throw outboundErrors.OUTBOUND_TARGET_UNRESOLVED();
    if (answers.some((answer) => !this.permits(answer.address)))
      throw outboundErrors.OUTBOUND_TARGET_PRIVATE();
    return answers;
  }

  /** The lookup the guarded sockets use: the resolver's answers, checked, in the form `net` asks for. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.addressesOf(hostname).then(
      (answers) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const wanted = family === 4 || family === 6 ? answers.filter((a) => a.family === family) : answers;
        const first = wanted[0];
        if (!first) callback(outboundErrors.OUTBOUND_TARGET_UNRESOLVED(), '');
        else if (options.all) callback(null, wanted);
        else callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, ''),
    );
  };

  /**
   * The response as a global `Response` whose body stops with OUTBOUND_RESPONSE_TOO_LARGE past
   * the size limit and reports the deadline as OUTBOUND_TIMEOUT.
   */
  private wrap(
    source: Awaited<ReturnType<typeof undiciFetch>>,
    translate: (e: unknown) => unknown,
  ): Response {
    const limit = this.options.maxResponseBytes;
    const reader = source.body?.getReader();
    const release = () => reader?.cancel().catch(() => {});
    if (Number(source.headers.get('content-length') ?? 0) > limit) {
      release();
      throw outboundErrors.OUTBOUND_RESPONSE_TOO_LARGE();
    }
    let body: ReadableStream<Uint8Array> | null = null;
    if (reader && !NULL_BODY_STATUSES.has(source.status)) {
      let received = 0;
      body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const chunk = await reader.read();
            if (chunk.done) return controller.close();
            received += chunk.value.byteLength;
            if (received > limit) {
              release();
              return controller.error(outboundErrors.OUTBOUND_RESPONSE_TOO_LARGE());
            }
            controller.enqueue(chunk.value);
          } catch (error) {
            controller.error(translate(error));
          }
        },
        cancel: (reason) => reader.cancel(reason),
      });
    } else release();
    const response = new Response(body, {
      status: source.status,
      statusText: source.statusText,
      headers: new Headers([...source.headers]),
    });
    Object.defineProperty(response, 'url', { value: source.url });
    return response;
  }
}

function checkScheme(url: URL): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw outboundErrors.OUTBOUND_URL_INVALID();
}

/**
 * Outbound errors as they are; the deadline as OUTBOUND_TIMEOUT; network failures as coded
 * errors that name the failure but nothing the target sent. A caller's own abort and programming
 * errors (a bad header name) pass unchanged.
 */
function translateError(error: unknown, signal: AbortSignal, deadline: AbortSignal): unknown {
  if (isOutboundError(error)) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (isOutboundError(cause)) return cause;
  if (deadline.aborted) return outboundErrors.OUTBOUND_TIMEOUT();
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    return reason?.name === 'TimeoutError' ? outboundErrors.OUTBOUND_TIMEOUT() : error;
  }
  const code = (cause as { code?: unknown } | null)?.code ?? (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  if (UNRESOLVED_CODES.has(code)) return outboundErrors.OUTBOUND_TARGET_UNRESOLVED();
  if (TIMEOUT_CODES.has(code)) return outboundErrors.OUTBOUND_TIMEOUT();
  return outboundErrors.OUTBOUND_CONNECT_FAILED(
    CONNECT_FAILURES[code] ?? `Could not connect to the target (${code})`,
  );
}
