import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../platform/config.ts';

describe('payments configuration', () => {
  it('enables only the sandbox by default', () => {
    expect(loadConfig({}).payments).toEqual({
      sandbox: true,
      providerTimeoutMs: 10_000,
      epayco: null,
      stripe: null,
    });
  });

  it('enables ePayco and Stripe when their keys are set', () => {
    const config = loadConfig({
      PAYMENTS_SANDBOX: 'false',
      EPAYCO_CUSTOMER_ID: '1234567',
      EPAYCO_P_KEY: 'p-key-secret',
      EPAYCO_PUBLIC_KEY: 'public-key-1',
      EPAYCO_TEST: 'false',
      EPAYCO_VALIDATION_URL: 'http://127.0.0.1:12112/validation/v1/reference/',
      STRIPE_SECRET_KEY: 'sk_live_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      STRIPE_API_BASE: 'http://127.0.0.1:12111/',
      PAYMENTS_PROVIDER_TIMEOUT_MS: '2500',
    });
    expect(config.payments).toEqual({
      sandbox: false,
      providerTimeoutMs: 2500,
      epayco: {
        customerId: '1234567',
        pKey: 'p-key-secret',
        publicKey: 'public-key-1',
        test: false,
        validationUrl: 'http://127.0.0.1:12112/validation/v1/reference',
      },
      stripe: {
        secretKey: 'sk_live_abc123',
        webhookSecret: 'whsec_abc123',
        apiBase: 'http://127.0.0.1:12111',
      },
    });
  });

  it("checks ePayco confirmations against ePayco's own validation endpoint unless told otherwise", () => {
    const keys = {
      EPAYCO_CUSTOMER_ID: '1234567',
      EPAYCO_P_KEY: 'p-key-secret',
      EPAYCO_PUBLIC_KEY: 'public-key-1',
    };
    expect(loadConfig(keys).payments.epayco?.validationUrl).toBe(
      'https://secure.epayco.co/validation/v1/reference',
    );
    expect(() => loadConfig({ ...keys, EPAYCO_VALIDATION_URL: 'ftp://epayco.example/v1' })).toThrow(
      /EPAYCO_VALIDATION_URL/,
    );
  });

  it('refuses half-configured providers and malformed keys, listing every problem', () => {
    let error: unknown;
    try {
      loadConfig({ EPAYCO_CUSTOMER_ID: '1234567', STRIPE_SECRET_KEY: 'pk_wrong', PAYMENTS_SANDBOX: 'yes' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('STRIPE_SECRET_KEY');
    expect(problems).toContain('PAYMENTS_SANDBOX');
    expect(problems).toContain(
      'EPAYCO_CUSTOMER_ID, EPAYCO_P_KEY and EPAYCO_PUBLIC_KEY: set all three or none',
    );
    expect(problems).toContain('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: set both or neither');
  });
});
