import { formatMinor } from './payments.rules.ts';

/** A mail's subject and plain-text body. */
export interface MailText {
  subject: string;
  text: string;
}

/** The receipt sent when an order is paid. */
export function receiptMail(
  locale: 'en' | 'es',
  displayName: string,
  order: {
    id: string;
    packageName: string;
    coins: number;
    amountMinor: number;
    currency: string;
    provider: string;
  },
  walletUrl: string,
): MailText {
  const price = `${formatMinor(order.amountMinor)} ${order.currency}`;
  if (locale === 'es') {
    return {
      subject: `Recibo: ${order.coins} monedas`,
      text: `Hola ${displayName}:\n\nGracias por tu compra.\n\nPaquete: ${order.packageName}\nMonedas: ${order.coins}\nTotal: ${price}\nMedio de pago: ${order.provider}\nPedido: ${order.id}\n\nTus monedas ya están en tu billetera: ${walletUrl}\n`,
    };
  }
  return {
    subject: `Receipt: ${order.coins} coins`,
    text: `Hi ${displayName},\n\nThank you for your purchase.\n\nPackage: ${order.packageName}\nCoins: ${order.coins}\nTotal: ${price}\nPaid with: ${order.provider}\nOrder: ${order.id}\n\nYour coins are in your wallet: ${walletUrl}\n`,
  };
}
