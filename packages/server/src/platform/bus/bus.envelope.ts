import type { BusErrorHandler, BusHandler, BusMeta } from './bus.port.ts';

/**
 * Wire format of one message: `n` is the publishing node id, `m` the message. Short keys keep payloads small.
 */
export interface BusEnvelope {
  n: string;
  m: unknown;
}

/**
 * Serialises a message for the transport. Throws if the message is not JSON-serialisable (e.g. a BigInt or a
 * cycle).
 */
export function encodeEnvelope(nodeId: string, message: unknown): string {
  const envelope: BusEnvelope = { n: nodeId, m: message };
  return JSON.stringify(envelope);
}

/** Parses a payload from the transport; throws on anything that is not a well-formed envelope. */
export function decodeEnvelope(payload: string): BusEnvelope {
  const parsed: unknown = JSON.parse(payload);
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { n?: unknown }).n !== 'string') {
    throw new TypeError('bus payload is not an envelope');
  }
  if (!('m' in parsed)) throw new TypeError('bus payload has no message');
  return parsed as BusEnvelope;
}

/**
 * Calls one handler, routing a synchronous throw or an asynchronous rejection to `onError`,
 * so that one failing handler never stops the others or the subscription.
 */
export function invokeHandler(
  handler: BusHandler,
  message: unknown,
  meta: BusMeta,
  onError: BusErrorHandler,
): void {
  try {
    const result = handler(message, meta);
    if (result && typeof result.then === 'function') {
      result.then(undefined, (error: unknown) => onError(error, meta));
    }
  } catch (error) {
    onError(error, meta);
  }
}

/** Default error sink: a process warning, so failures show up on stderr without a logger being wired in. */
export function warnOnHandlerError(error: unknown, meta: BusMeta): void {
  const detail = error instanceof Error ? error.message : String(error);
  process.emitWarning(`bus handler for topic "${meta.topic}" failed: ${detail}`, {
    code: 'PNPTV_BUS_HANDLER',
  });
}
