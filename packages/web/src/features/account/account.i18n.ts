/** Messages of the account settings: sessions, data export and account deletion. */
const en = {
  'account.title': 'Account settings',
  'account.link': 'Sessions, your data and account deletion',
  'account.backToProfile': 'Back to your profile',

  'account.sessions.title': 'Sessions',
  'account.sessions.hint': 'Where you are signed in. Sign out any device you do not recognise.',
  'account.sessions.thisDevice': 'This device',
  'account.sessions.unknownDevice': 'Unknown device',
  'account.sessions.facts': 'Address {ip} · signed in {created} · last seen {seen}',
  'account.sessions.revoke': 'Sign out',
  'account.sessions.signOutHere': 'Sign out here',
  'account.sessions.revokeQuestion': 'Sign this session out?',
  'account.sessions.revokeOthers': 'Sign out all other sessions',
  'account.sessions.revokeOthersQuestion': 'Sign out everywhere but here?',
  'account.sessions.revoked': 'Signed out {count} other sessions.',

  'account.export.title': 'Your data',
  'account.export.hint':
    'Download one JSON file with everything you own here: profile, sessions, messages and direct conversations, wallet and payments, gifts, tickets, subscriptions, streams, recordings, payouts and the log of changes to your account. It is ready for 48 hours.',
  'account.export.request': 'Export my data',
  'account.export.again': 'Export again',
  'account.export.progress': 'Export progress',
  'account.export.download': 'Download JSON',
  'account.export.until': 'Available until {date}',
  'account.export.status.queued': 'Waiting',
  'account.export.status.running': 'Preparing',
  'account.export.status.ready': 'Ready',
  'account.export.status.failed': 'Failed',
  'account.export.status.expired': 'Expired',

  'account.delete.title': 'Delete account',
  'account.delete.hint':
    'Deleting signs you out everywhere at once. Your personal data is erased after a grace period, during which signing in lets you cancel.',
  'account.delete.open': 'Delete my account…',
  'account.delete.confirmTitle': 'Delete your account?',
  'account.delete.ruleCoins': 'Your {coins} coins are forfeited: unspent coins are not refunded.',
  'account.delete.ruleEarnings':
    'Creators: earnings of {minimum} coins or more must be paid out first; smaller amounts are forfeited.',
  'account.delete.ruleGrace':
    'Your email, name, password, profile and Telegram link are erased after {days} days. Until then, sign in to cancel.',
  'account.delete.ruleStreams': 'Your live streams end now and your stream keys stop working.',
  'account.delete.ruleContent': 'Your chat messages stay, shown as from a “Deleted user”.',
  'account.delete.password': 'Your password, to confirm',
  'account.delete.confirm': 'Delete my account',
  'account.delete.blocker.last_admin': 'You are the only admin: make someone else an admin first.',
  'account.delete.blocker.payout_pending':
    'A payout of yours is in progress: wait until it is paid or rejected.',
  'account.delete.blocker.earnings_pending':
    'You have earnings to be paid: request a payout and wait until it is paid.',

  'account.deleted.title': 'Your account is scheduled for deletion',
  'account.deleted.body':
    'You were signed out everywhere. Your data will be erased on {date}; sign in before then to cancel.',
  'account.deleted.signIn': 'Sign in to cancel',
  'account.pending.body': 'This account is scheduled for deletion on {date}.',
  'account.pending.cancel': 'Cancel the deletion and sign in',
};

const es: Record<keyof typeof en, string> = {
  'account.title': 'Ajustes de la cuenta',
  'account.link': 'Sesiones, tus datos y eliminación de la cuenta',
  'account.backToProfile': 'Volver a tu perfil',

  'account.sessions.title': 'Sesiones',
  'account.sessions.hint': 'Dónde has iniciado sesión. Cierra la de cualquier dispositivo que no reconozcas.',
  'account.sessions.thisDevice': 'Este dispositivo',
  'account.sessions.unknownDevice': 'Dispositivo desconocido',
  'account.sessions.facts': 'Dirección {ip} · inicio {created} · última actividad {seen}',
  'account.sessions.revoke': 'Cerrar sesión',
  'account.sessions.signOutHere': 'Cerrar sesión aquí',
  'account.sessions.revokeQuestion': '¿Cerrar esta sesión?',
  'account.sessions.revokeOthers': 'Cerrar las demás sesiones',
  'account.sessions.revokeOthersQuestion': '¿Cerrar sesión en todas partes menos aquí?',
  'account.sessions.revoked': 'Se cerraron {count} sesiones más.',

  'account.export.title': 'Tus datos',
  'account.export.hint':
    'Descarga un archivo JSON con todo lo tuyo: perfil, sesiones, mensajes y conversaciones directas, monedero y pagos, regalos, entradas, suscripciones, transmisiones, grabaciones, pagos a creadores y el registro de cambios de tu cuenta. Está disponible 48 horas.',
  'account.export.request': 'Exportar mis datos',
  'account.export.again': 'Exportar de nuevo',
  'account.export.progress': 'Progreso de la exportación',
  'account.export.download': 'Descargar JSON',
  'account.export.until': 'Disponible hasta el {date}',
  'account.export.status.queued': 'En espera',
  'account.export.status.running': 'Preparando',
  'account.export.status.ready': 'Lista',
  'account.export.status.failed': 'Falló',
  'account.export.status.expired': 'Caducada',

  'account.delete.title': 'Eliminar la cuenta',
  'account.delete.hint':
    'Al eliminarla se cierra tu sesión en todas partes de inmediato. Tus datos personales se borran tras un periodo de gracia en el que puedes cancelar iniciando sesión.',
  'account.delete.open': 'Eliminar mi cuenta…',
  'account.delete.confirmTitle': '¿Eliminar tu cuenta?',
  'account.delete.ruleCoins': 'Pierdes tus {coins} monedas: las monedas sin gastar no se reembolsan.',
  'account.delete.ruleEarnings':
    'Creadores: las ganancias de {minimum} monedas o más deben cobrarse antes; las cantidades menores se pierden.',
  'account.delete.ruleGrace':
    'Tu correo, nombre, contraseña, perfil y vínculo con Telegram se borran a los {days} días. Hasta entonces, inicia sesión para cancelar.',
  'account.delete.ruleStreams':
    'Tus transmisiones en directo terminan ya y tus claves de transmisión dejan de funcionar.',
  'account.delete.ruleContent': 'Tus mensajes de chat se conservan, como de un «Usuario eliminado».',
  'account.delete.password': 'Tu contraseña, para confirmar',
  'account.delete.confirm': 'Eliminar mi cuenta',
  'account.delete.blocker.last_admin': 'Eres el único administrador: nombra antes a otra persona.',
  'account.delete.blocker.payout_pending': 'Tienes un pago en curso: espera a que se pague o se rechace.',
  'account.delete.blocker.earnings_pending':
    'Tienes ganancias por cobrar: solicita un pago y espera a que se pague.',

  'account.deleted.title': 'Tu cuenta se eliminará',
  'account.deleted.body':
    'Se cerró tu sesión en todas partes. Tus datos se borrarán el {date}; inicia sesión antes para cancelar.',
  'account.deleted.signIn': 'Iniciar sesión para cancelar',
  'account.pending.body': 'Esta cuenta se eliminará el {date}.',
  'account.pending.cancel': 'Cancelar la eliminación e iniciar sesión',
};

export const accountMessages = { en, es };
