import { type Static, Type } from 'typebox';

/** Body of every error response: a stable machine code and a human message. */
export const ErrorBody = Type.Object(
  {
    code: Type.String({
      description: 'Stable error code, CAPABILITY_WHAT',
      examples: ['IDENTITY_INVALID_CREDENTIALS'],
    }),
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    retryAfterS: Type.Optional(
      Type.Integer({ minimum: 1, description: 'When throttled: seconds to wait before trying again' }),
    ),
  },
  { $id: 'ErrorBody', title: 'Error' },
);
export type ErrorBody = Static<typeof ErrorBody>;
