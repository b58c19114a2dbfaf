/** A mail's subject and plain-text body. */
export interface MailText {
  subject: string;
  text: string;
}

type Locale = 'en' | 'es';

/** The email-verification mail; the link is valid for 48 hours. */
export function verifyEmailMail(locale: Locale, displayName: string, link: string): MailText {
  if (locale === 'es') {
    return {
      subject: 'Confirma tu correo electrónico',
      text: `Hola ${displayName}:\n\nConfirma tu dirección de correo abriendo este enlace (válido 48 horas):\n\n${link}\n\nSi no creaste una cuenta, ignora este mensaje.\n`,
    };
  }
  return {
    subject: 'Confirm your email address',
    text: `Hi ${displayName},\n\nConfirm your email address by opening this link (valid for 48 hours):\n\n${link}\n\nIf you did not create an account, you can ignore this message.\n`,
  };
}

/** The password-reset mail; the link is valid for one hour. */
export function resetPasswordMail(locale: Locale, displayName: string, link: string): MailText {
  if (locale === 'es') {
    return {
      subject: 'Restablece tu contraseña',
      text: `Hola ${displayName}:\n\nPara elegir una contraseña nueva abre este enlace (válido 1 hora):\n\n${link}\n\nSi no lo pediste, ignora este mensaje: tu contraseña no cambia.\n`,
    };
  }
  return {
    subject: 'Reset your password',
    text: `Hi ${displayName},\n\nTo choose a new password, open this link (valid for 1 hour):\n\n${link}\n\nIf you did not ask for this, ignore this message: your password stays the same.\n`,
  };
}

/** The answer to a creator application. */
export function applicationDecisionMail(
  locale: Locale,
  displayName: string,
  decision: { approved: true } | { approved: false; reason: string },
): MailText {
  if (locale === 'es') {
    return decision.approved
      ? {
          subject: 'Tu solicitud de creador fue aprobada',
          text: `Hola ${displayName}:\n\n¡Ya eres creador! Ahora puedes transmitir en vivo.\n`,
        }
      : {
          subject: 'Tu solicitud de creador fue rechazada',
          text: `Hola ${displayName}:\n\nTu solicitud de creador fue rechazada.\n\nMotivo: ${decision.reason}\n`,
        };
  }
  return decision.approved
    ? {
        subject: 'Your creator application was approved',
        text: `Hi ${displayName},\n\nYou are now a creator: you can go live.\n`,
      }
    : {
        subject: 'Your creator application was declined',
        text: `Hi ${displayName},\n\nYour creator application was declined.\n\nReason: ${decision.reason}\n`,
      };
}

/** The mail that finishes a sign-up: the account is created when the link (valid 48 hours) is opened. */
export function confirmSignupMail(locale: Locale, displayName: string, link: string): MailText {
  if (locale === 'es') {
    return {
      subject: 'Confirma tu correo para crear tu cuenta',
      text: `Hola ${displayName}:\n\nPara terminar de crear tu cuenta abre este enlace (válido 48 horas):\n\n${link}\n\nSi no te registraste, ignora este mensaje: no se crea ninguna cuenta.\n`,
    };
  }
  return {
    subject: 'Confirm your email to create your account',
    text: `Hi ${displayName},\n\nTo finish creating your account, open this link (valid for 48 hours):\n\n${link}\n\nIf you did not sign up, ignore this message: no account is created.\n`,
  };
}

/** Sent instead of a sign-up link when the address already has an account. */
export function existingAccountMail(
  locale: Locale,
  displayName: string,
  links: { login: string; reset: string },
): MailText {
  if (locale === 'es') {
    return {
      subject: 'Alguien intentó registrarse con tu correo',
      text: `Hola ${displayName}:\n\nAlguien intentó crear una cuenta nueva con tu dirección de correo, pero ya tienes una.\n\nSi fuiste tú, inicia sesión:\n\n${links.login}\n\no, si olvidaste tu contraseña, restablécela:\n\n${links.reset}\n\nSi no fuiste tú, ignora este mensaje: tu cuenta no cambia.\n`,
    };
  }
  return {
    subject: 'Someone tried to sign up with your email',
    text: `Hi ${displayName},\n\nSomeone tried to create a new account with your email address, but you already have one.\n\nIf it was you, log in:\n\n${links.login}\n\nor, if you forgot your password, reset it:\n\n${links.reset}\n\nIf it was not you, ignore this message: your account stays as it is.\n`,
  };
}
