import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, commonErrors, RetryAfterError } from '../errors.ts';

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

function describeValidation(
  errors: AjvLikeError[],
  part: string | undefined,
): { path: string; message: string }[] {
  return errors.slice(0, 20).map((e) => {
    let path = `${part ?? 'body'}${(e.instancePath ?? '').replaceAll('/', '.')}`;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string') {
      path = `${path}.${e.params.additionalProperty}`;
      message = 'is not an allowed field';
    }
    return { path, message };
  });
}

const DISCONNECT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Maps anything thrown in a request to an AppError; unknown errors become INTERNAL. */
export function toAppError(
  error: FastifyError & { validation?: AjvLikeError[]; validationContext?: string },
): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const details = describeValidation(error.validation, error.validationContext);
    const first = details[0];
    return new AppError(
      'VALIDATION_FAILED',
      400,
      first ? `${first.path} ${first.message}` : 'The request is not valid',
      details,
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return commonErrors.BODY_TOO_LARGE();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return commonErrors.UNSUPPORTED_MEDIA_TYPE();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('VALIDATION_FAILED', 400, 'The JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('VALIDATION_FAILED', 400, 'The body is not valid JSON');
  }
  if (error instanceof SyntaxError && (error as FastifyError).statusCode === 400) {
    return new AppError('VALIDATION_FAILED', 400, 'The body is not valid JSON');
  }
  if (DISCONNECT_CODES.has(error.code)) return commonErrors.CLIENT_CLOSED();
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('HTTP_BAD_REQUEST', error.statusCode, 'The request is not valid');
  }
  return commonErrors.INTERNAL();
}

/**
 * The one error handler: logs with request context and replies `{ code, message }`.
 * 5xx bodies say nothing about internals; the full error goes to the log only.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error);
    if (appError.status >= 500)
      request.log.error(
        { err: error, reqId: request.id, method: request.method, url: request.url },
        'request failed',
      );
    else if (appError.status === 499)
      request.log.info({ code: error.code, reqId: request.id }, 'client closed the request');
    else
      request.log.info({ code: appError.code, status: appError.status, reqId: request.id }, appError.message);
    if (reply.sent || reply.raw.headersSent) return;
    const body: {
      code: string;
      message: string;
      details?: { path: string; message: string }[];
      retryAfterS?: number;
    } = {
      code: appError.code,
      message: appError.status >= 500 ? 'Internal Server Error' : appError.message,
    };
    if (appError.details && appError.status < 500) body.details = appError.details;
    if (appError.status === 500) body.code = 'INTERNAL';
    if (appError instanceof RetryAfterError) {
      body.retryAfterS = appError.retryAfterS;
      void reply.header('retry-after', String(appError.retryAfterS));
    }
    void reply.status(appError.status).header('cache-control', 'no-store').send(body);
  });
}
