import { Type } from 'typebox';
import { PASSWORD_MAX } from './identity.rules.ts';
import { User } from './identity.schemas.ts';

/** A TOTP code (6 digits) or a recovery code (`xxxxx-xxxxx`); spaces and dashes are ignored. */
const Code = Type.String({ minLength: 6, maxLength: 16 });

/** 202 from POST /auth/register, the same for a new and a taken address. */
export const SignupAccepted = Type.Object(
  { status: Type.Literal('check_email') },
  { $id: 'SignupAccepted', description: 'A mail is on its way: it either finishes the sign-up or explains' },
);

/** 202 from POST /auth/login when the account has two-factor on: no session yet. */
export const SecondFactorRequired = Type.Object(
  {
    secondFactor: Type.Literal('totp'),
    mfaToken: Type.String({ description: 'Send it with the code to POST /auth/login/second-factor' }),
    expiresInS: Type.Integer({ description: 'Seconds the token stays valid' }),
  },
  { $id: 'SecondFactorRequired' },
);

/** POST /auth/login/second-factor */
export const SecondFactorBody = Type.Object(
  { mfaToken: Type.String({ minLength: 1, maxLength: 128 }), code: Code },
  { additionalProperties: false },
);

/** `{ user, csrfToken? }`: the verified user; with a CSRF token when the link created the account and signed in. */
export const VerifiedResponse = Type.Object({ user: User, csrfToken: Type.Optional(Type.String()) });

/** GET /me/two-factor */
export const TwoFactorStatus = Type.Object(
  { enabled: Type.Boolean(), recoveryCodesLeft: Type.Integer({ minimum: 0 }) },
  { $id: 'TwoFactorStatus' },
);

/** 200 from POST /me/two-factor/enrolment: shown once. */
export const TwoFactorEnrolment = Type.Object(
  {
    secret: Type.String({ description: 'Base32 secret, for typing into an authenticator app' }),
    otpauthUri: Type.String(),
    qrCode: Type.String({ description: 'The otpauth URI as an SVG QR code, as a data URL' }),
  },
  { $id: 'TwoFactorEnrolment' },
);

/** A code confirming the caller holds the authenticator. */
export const CodeBody = Type.Object({ code: Code }, { additionalProperties: false });

/** POST /me/two-factor/disable */
export const DisableBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }), code: Code },
  { additionalProperties: false },
);

/** Fresh recovery codes: shown once, each works once. */
export const RecoveryCodes = Type.Object(
  { recoveryCodes: Type.Array(Type.String()) },
  { $id: 'RecoveryCodes' },
);
