/** A mail's subject and plain-text body. */
export interface MailText {
  subject: string;
  text: string;
}

type Locale = 'en' | 'es';

/** The receipt for one paid period of a creator subscription or of PRIME. */
export function subscriptionReceiptMail(
  locale: Locale,
  input: { displayName: string; what: string; coins: number; periodEnd: Date; renewal: boolean },
): MailText {
  const until = input.periodEnd.toISOString().slice(0, 10);
  if (locale === 'es') {
    return {
      subject: input.renewal ? `Renovación: ${input.what}` : `Suscripción: ${input.what}`,
      text: `Hola ${input.displayName}:\n\n${input.renewal ? 'Renovamos' : 'Activamos'} tu suscripción a ${input.what}.\n\nCargo: ${input.coins} monedas\nVálida hasta: ${until}\n\nPuedes cancelarla cuando quieras; seguirá activa hasta esa fecha.\n`,
    };
  }
  return {
    subject: input.renewal ? `Renewed: ${input.what}` : `Subscribed: ${input.what}`,
    text: `Hi ${input.displayName},\n\nYour subscription to ${input.what} was ${input.renewal ? 'renewed' : 'started'}.\n\nCharged: ${input.coins} coins\nPaid until: ${until}\n\nYou can cancel at any time; it stays active until that date.\n`,
  };
}
