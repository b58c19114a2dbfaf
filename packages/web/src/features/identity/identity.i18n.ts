/** Messages of sign-in throttling, sign-up and two-factor authentication. */
const en = {
  'login.throttled': 'Too many failed attempts. Try again in {seconds} s.',
  'login.codeTitle': 'Two-factor authentication',
  'login.codeHint': 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.',
  'login.codeLabel': 'Code',
  'login.codeSubmit': 'Verify',
  'login.codeBack': 'Use another account',
  'verify.accountCreated': 'Your account for {email} is ready and you are signed in. Welcome!',
  'twoFactor.title': 'Two-factor authentication',
  'twoFactor.off': 'Off. Add a second step to sign-in with an authenticator app.',
  'twoFactor.on': 'On. {count} recovery codes left.',
  'twoFactor.enable': 'Set up two-factor',
  'twoFactor.scan': 'Scan this QR code with your authenticator app, or type the key below.',
  'twoFactor.qrAlt': 'QR code for your authenticator app',
  'twoFactor.secret': 'Setup key',
  'twoFactor.confirm': 'Turn on',
  'twoFactor.codeLabel': 'Code from the app',
  'twoFactor.codesTitle': 'Recovery codes',
  'twoFactor.codesHint': 'Each code signs you in once if you lose your phone. Store them somewhere safe.',
  'twoFactor.download': 'Download',
  'twoFactor.regenerate': 'New recovery codes',
  'twoFactor.disable': 'Turn off',
  'twoFactor.passwordLabel': 'Current password',
};

const es: Record<keyof typeof en, string> = {
  'login.throttled': 'Demasiados intentos fallidos. Vuelve a intentarlo en {seconds} s.',
  'login.codeTitle': 'Verificación en dos pasos',
  'login.codeHint':
    'Escribe el código de 6 dígitos de tu app de autenticación o uno de tus códigos de recuperación.',
  'login.codeLabel': 'Código',
  'login.codeSubmit': 'Verificar',
  'login.codeBack': 'Usar otra cuenta',
  'verify.accountCreated': 'Tu cuenta de {email} está lista y ya iniciaste sesión. ¡Bienvenido!',
  'twoFactor.title': 'Verificación en dos pasos',
  'twoFactor.off': 'Desactivada. Añade un segundo paso al inicio de sesión con una app de autenticación.',
  'twoFactor.on': 'Activada. Te quedan {count} códigos de recuperación.',
  'twoFactor.enable': 'Configurar la verificación en dos pasos',
  'twoFactor.scan': 'Escanea este código QR con tu app de autenticación o escribe la clave de abajo.',
  'twoFactor.qrAlt': 'Código QR para tu app de autenticación',
  'twoFactor.secret': 'Clave de configuración',
  'twoFactor.confirm': 'Activar',
  'twoFactor.codeLabel': 'Código de la app',
  'twoFactor.codesTitle': 'Códigos de recuperación',
  'twoFactor.codesHint':
    'Cada código te deja entrar una vez si pierdes el teléfono. Guárdalos en un lugar seguro.',
  'twoFactor.download': 'Descargar',
  'twoFactor.regenerate': 'Nuevos códigos de recuperación',
  'twoFactor.disable': 'Desactivar',
  'twoFactor.passwordLabel': 'Contraseña actual',
};

/** The identity feature's messages in every language. */
export const identityMessages = { en, es };
