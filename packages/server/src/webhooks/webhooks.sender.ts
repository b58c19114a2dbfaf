import { AppError } from '../platform/errors.ts';
import type { OutboundHttp } from '../platform/http/outbound.ts';

/** What came back from one POST. */
export interface SendResult {
  status: number;
}

/** One webhook POST. */
export interface SendRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** The exchange up to the response headers must finish within this, ms. */
  timeoutMs: number;
}

/** Why an attempt failed, in words for the delivery log. */
export class SendFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SendFailedError';
  }
}

/**
 * POSTs `body` to `url` through the webhooks' outbound client, which checks the address it
 * connects to and follows no redirect. Only the status counts: the body of the answer is not
 * read. Rejects with a SendFailedError saying what went wrong, never with what the target sent.
 */
export async function sendWebhook(http: OutboundHttp, req: SendRequest): Promise<SendResult> {
  let response: Response;
  try {
    response = await http.fetch(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (error) {
    throw new SendFailedError(describeFailure(error));
  }
  await response.body?.cancel().catch(() => {});
  return { status: response.status };
}

/** A coded error as `message (CODE)`; anything else by its message. */
function describeFailure(error: unknown): string {
  if (error instanceof AppError) return `${error.message} (${error.code})`;
  return error instanceof Error ? `Request failed: ${error.message}` : 'Request failed';
}
