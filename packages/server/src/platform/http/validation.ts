import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Schema keyword marking a body schema that a request may also omit entirely. */
export const BODY_OPTIONAL = 'x-body-optional';

/**
 * Schema compilers for requests. Bodies are checked strictly: no type coercion and no
 * silently dropped fields, so a wrong type or an unknown field is a 400. Query strings,
 * params and headers arrive as text, so those coerce ("20" → 20).
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = addFormats(
    new Ajv({
      allErrors: true,
      coerceTypes: false,
      removeAdditional: false,
      useDefaults: true,
      strict: false,
    }),
  );
  const coercing = addFormats(
    new Ajv({
      allErrors: true,
      coerceTypes: 'array',
      removeAdditional: false,
      useDefaults: true,
      strict: false,
    }),
  );
  const cache = new WeakMap<object, ValidateFunction>();
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    const key = schema as object;
    let validate = httpPart === 'body' ? cache.get(key) : undefined;
    if (!validate) {
      validate = ajv.compile(schema as object);
      if (httpPart === 'body') cache.set(key, validate);
    }
    const compiled = validate;
    const bodyOptional =
      httpPart === 'body' && (schema as { [BODY_OPTIONAL]?: boolean })[BODY_OPTIONAL] === true;
    return (data: unknown) =>
      bodyOptional && (data === undefined || data === null)
        ? { value: data }
        : compiled(data)
          ? { value: data }
          : { error: Object.assign(new Error('invalid'), { validation: compiled.errors }) };
  };
}
