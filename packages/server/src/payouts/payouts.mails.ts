/** A mail's subject and plain-text body. */
export interface MailText {
  subject: string;
  text: string;
}

/** The receipt a creator gets when their payout is sent. */
export function payoutPaidMail(
  locale: 'en' | 'es',
  input: { displayName: string; coins: number; reference: string; payoutId: string },
): MailText {
  if (locale === 'es') {
    return {
      subject: 'Tu pago fue enviado',
      text: `Hola ${input.displayName}:\n\nEnviamos tu pago de ${input.coins} monedas.\n\nReferencia: ${input.reference}\nSolicitud: ${input.payoutId}\n`,
    };
  }
  return {
    subject: 'Your payout was sent',
    text: `Hi ${input.displayName},\n\nWe sent your payout of ${input.coins} coins.\n\nReference: ${input.reference}\nRequest: ${input.payoutId}\n`,
  };
}
