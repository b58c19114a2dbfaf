-- One provider payment pays one order. provider_payment_ref now holds only the payment that
-- credited the order (Stripe payment intent, ePayco x_ref_payco, the sandbox's notice), and
-- the database refuses the same payment on a second order of the same provider.

-- Earlier versions recorded the payment of any callback, crediting or not, so a payment may
-- sit on several orders: keep it on the first order it paid (else the first that names it).
WITH ranked AS (
  SELECT id,
         row_number() OVER (
           PARTITION BY provider, provider_payment_ref ORDER BY (paid_at IS NULL), id
         ) AS n
  FROM payment_orders
  WHERE provider_payment_ref IS NOT NULL
)
UPDATE payment_orders SET provider_payment_ref = NULL
WHERE id IN (SELECT id FROM ranked WHERE n > 1);

DROP INDEX payment_orders_payment_ref_idx;
CREATE UNIQUE INDEX payment_orders_payment_ref_unique ON payment_orders (provider, provider_payment_ref)
  WHERE provider_payment_ref IS NOT NULL;
