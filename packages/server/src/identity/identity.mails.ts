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
