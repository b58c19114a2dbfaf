-- The coins ledger: double-entry, integer minor units (1 = one coin; coins have no fractions).
-- Every movement is one ledger_transactions row whose ledger_entries sum to zero. Each
-- account's balance is kept on its row and moved in the same database transaction as its
-- entries; the CHECK below makes an overspend fail atomically.

-- owner_id is the user for member_wallet / creator_earnings, the provider name for
-- provider_clearing, and NULL for app-wide accounts. Accounts credited by many writers at
-- once (creator_earnings, platform_revenue) are split into shards (one row each) so that
-- concurrent gifts do not queue on one row lock; the account's balance is the sum of its shards.
CREATE TABLE ledger_accounts (
  id              text PRIMARY KEY,
  app_id          text NOT NULL REFERENCES apps(id),
  kind            text NOT NULL CHECK (kind IN ('member_wallet', 'creator_earnings', 'platform_revenue', 'provider_clearing', 'payouts')),
  owner_id        text,
  currency        text NOT NULL DEFAULT 'COIN' CHECK (currency = 'COIN'),
  shard           smallint NOT NULL DEFAULT 0 CHECK (shard >= 0 AND shard < 64),
  balance         bigint NOT NULL DEFAULT 0,
  -- True only for system accounts whose balance mirrors money owed to us (provider_clearing).
  allow_negative  boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_accounts_balance_check CHECK (allow_negative OR balance >= 0),
  CONSTRAINT ledger_accounts_key UNIQUE NULLS NOT DISTINCT (app_id, kind, owner_id, currency, shard)
) WITH (fillfactor = 70);

-- fingerprint: SHA-256 of the posting (kind and sorted account:amount pairs), so that a
-- replayed key can be told apart from a different request reusing it.
CREATE TABLE ledger_transactions (
  id               text PRIMARY KEY,
  app_id           text NOT NULL REFERENCES apps(id),
  kind             text NOT NULL,
  idempotency_key  text NOT NULL,
  fingerprint      text NOT NULL,
  metadata         jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_transactions_idempotency UNIQUE (app_id, idempotency_key)
);

-- Entry ids are 'ent_' + the transaction id's body + a two-digit position, so they sort by
-- time and the entries of one transaction are adjacent: with byte order (COLLATE "C") the
-- primary key finds them by range, and no index on transaction_id is needed.
-- amount > 0 credits the account, < 0 debits it.
CREATE TABLE ledger_entries (
  id              text COLLATE "C" PRIMARY KEY,
  transaction_id  text NOT NULL REFERENCES ledger_transactions(id),
  account_id      text NOT NULL REFERENCES ledger_accounts(id),
  amount          bigint NOT NULL CHECK (amount <> 0),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id);


-- Posts a batch of balanced transactions in one statement: one round trip and one commit
-- for many postings, atomic as a whole, each posting accepted or refused on its own.
-- Postings are given in order; their legs are concatenated (p_leg_counts legs each).
--  1. The transactions rows go in first, in (app, key) order, with ON CONFLICT DO NOTHING:
--     a key already used (or being used by a concurrent statement, which we wait for)
--     makes that posting a replay, answered with the first transaction's row.
--  2. The accounts of the batch are locked (FOR UPDATE) in ascending id order (C
--     collation), so concurrent batches never deadlock.
--  3. Each new posting, in order, is checked against the locked balances as they stand
--     after the postings before it: it is refused if an account is missing, belongs to
--     another app, or would go below zero without allow_negative; a refused posting's
--     transactions row is deleted and it moves nothing.
--  4. Balances move with UPDATE … SET balance = balance + delta (the CHECK on
--     ledger_accounts still guards them: a violation aborts the whole statement) and the
--     accepted entries are inserted.
-- Status per posting: posted | replayed | insufficient_funds | account_not_found.
CREATE FUNCTION ledger_post_batch(
  p_ids text[], p_app_ids text[], p_kinds text[], p_keys text[], p_fingerprints text[], p_metadata jsonb,
  p_leg_counts integer[], p_accounts text[], p_amounts bigint[], p_now timestamptz
) RETURNS TABLE (
  posting integer, status text, tx_id text, tx_fingerprint text, tx_metadata jsonb, tx_created_at timestamptz,
  balances bigint[]
) LANGUAGE plpgsql AS $$
DECLARE
  v_n integer := cardinality(p_ids);
  v_new text[];
  v_acc_ids text[] := '{}';
  v_acc_apps text[] := '{}';
  v_acc_neg boolean[] := '{}';
  v_acc_start bigint[] := '{}';
  v_acc_bal bigint[] := '{}';
  v_leg_pos integer[] := array_fill(NULL::integer, ARRAY[cardinality(p_accounts)]);
  v_leg_bal bigint[] := array_fill(NULL::bigint, ARRAY[cardinality(p_accounts)]);
  v_status text[] := '{}';
  v_rejected text[] := '{}';
  v_e_ids text[] := '{}';
  v_e_tx text[] := '{}';
  v_e_acc text[] := '{}';
  v_e_amt bigint[] := '{}';
  v_row record;
  v_first integer;
  v_last integer;
  v_sum bigint;
  v_pos integer;
  v_reason text;
BEGIN
  IF v_n IS NULL OR v_n = 0 OR cardinality(p_app_ids) <> v_n OR cardinality(p_kinds) <> v_n
     OR cardinality(p_keys) <> v_n OR cardinality(p_fingerprints) <> v_n OR cardinality(p_leg_counts) <> v_n
     OR jsonb_array_length(p_metadata) <> v_n OR cardinality(p_accounts) <> cardinality(p_amounts) THEN
    RAISE EXCEPTION 'ledger batch is malformed' USING ERRCODE = '22023';
  END IF;
  v_first := 1;
  FOR i IN 1..v_n LOOP
    v_last := v_first + p_leg_counts[i] - 1;
    v_sum := 0;
    FOR j IN v_first..v_last LOOP
      v_sum := v_sum + p_amounts[j];
    END LOOP;
    IF p_leg_counts[i] < 2 OR v_sum <> 0 OR v_last > cardinality(p_accounts) THEN
      RAISE EXCEPTION 'ledger posting % is not balanced', i USING ERRCODE = '22023';
    END IF;
    v_first := v_last + 1;
  END LOOP;
  IF v_first <> cardinality(p_accounts) + 1 THEN
    RAISE EXCEPTION 'ledger batch is malformed' USING ERRCODE = '22023';
  END IF;

  WITH ins AS (
    INSERT INTO ledger_transactions (id, app_id, kind, idempotency_key, fingerprint, metadata, created_at)
    SELECT u.id, u.app, u.kind, u.key, u.fp, p_metadata -> (u.n::integer - 1), p_now
    FROM unnest(p_ids, p_app_ids, p_kinds, p_keys, p_fingerprints) WITH ORDINALITY AS u(id, app, kind, key, fp, n)
    ORDER BY u.app COLLATE "C", u.key COLLATE "C"
    ON CONFLICT (app_id, idempotency_key) DO NOTHING
    RETURNING ledger_transactions.id)
  SELECT COALESCE(array_agg(ins.id), '{}') INTO v_new FROM ins;

  IF cardinality(v_new) > 0 THEN
    FOR v_row IN
      SELECT a.id, a.app_id, a.balance, a.allow_negative FROM ledger_accounts a
      WHERE a.id = ANY (p_accounts) ORDER BY a.id COLLATE "C" FOR UPDATE
    LOOP
      v_acc_ids := v_acc_ids || v_row.id;
      v_acc_apps := v_acc_apps || v_row.app_id;
      v_acc_neg := v_acc_neg || v_row.allow_negative;
      v_acc_start := v_acc_start || v_row.balance;
      v_acc_bal := v_acc_bal || v_row.balance;
    END LOOP;
  END IF;

  v_first := 1;
  FOR i IN 1..v_n LOOP
    v_last := v_first + p_leg_counts[i] - 1;
    IF NOT (p_ids[i] = ANY (v_new)) THEN
      v_status := v_status || NULL::text;
    ELSE
      v_reason := NULL;
      FOR j IN v_first..v_last LOOP
        v_pos := array_position(v_acc_ids, p_accounts[j]);
        v_leg_pos[j] := v_pos;
        IF v_pos IS NULL OR v_acc_apps[v_pos] <> p_app_ids[i] THEN
          v_reason := 'account_not_found';
          EXIT;
        END IF;
        IF NOT v_acc_neg[v_pos] AND v_acc_bal[v_pos] + p_amounts[j] < 0 THEN
          v_reason := 'insufficient_funds';
        END IF;
      END LOOP;
      IF v_reason IS NULL THEN
        FOR j IN v_first..v_last LOOP
          v_pos := v_leg_pos[j];
          v_acc_bal[v_pos] := v_acc_bal[v_pos] + p_amounts[j];
          v_leg_bal[j] := v_acc_bal[v_pos];
          v_e_ids := v_e_ids || ('ent_' || substr(p_ids[i], 5) || lpad((j - v_first + 1)::text, 2, '0'));
          v_e_tx := v_e_tx || p_ids[i];
          v_e_acc := v_e_acc || p_accounts[j];
          v_e_amt := v_e_amt || p_amounts[j];
        END LOOP;
        v_status := v_status || 'posted'::text;
      ELSE
        v_status := v_status || v_reason;
        v_rejected := v_rejected || p_ids[i];
      END IF;
    END IF;
    v_first := v_last + 1;
  END LOOP;

  IF cardinality(v_rejected) > 0 THEN
    DELETE FROM ledger_transactions WHERE id = ANY (v_rejected);
  END IF;
  IF cardinality(v_e_ids) > 0 THEN
    UPDATE ledger_accounts a SET balance = a.balance + (d.bal - d.start)
    FROM unnest(v_acc_ids, v_acc_bal, v_acc_start) AS d(id, bal, start)
    WHERE a.id = d.id AND d.bal <> d.start;
    INSERT INTO ledger_entries (id, transaction_id, account_id, amount, created_at)
    SELECT e.id, e.tx, e.acc, e.amt, p_now FROM unnest(v_e_ids, v_e_tx, v_e_acc, v_e_amt) AS e(id, tx, acc, amt);
  END IF;

  v_first := 1;
  FOR i IN 1..v_n LOOP
    v_last := v_first + p_leg_counts[i] - 1;
    IF v_status[i] IS NULL THEN
      RETURN QUERY
        SELECT i, 'replayed'::text, t.id, t.fingerprint, t.metadata, t.created_at, NULL::bigint[]
        FROM ledger_transactions t WHERE t.app_id = p_app_ids[i] AND t.idempotency_key = p_keys[i];
      IF NOT FOUND THEN
        RAISE EXCEPTION 'ledger transaction % of app % is not visible', p_keys[i], p_app_ids[i] USING ERRCODE = '40001';
      END IF;
    ELSE
      posting := i;
      status := v_status[i];
      tx_id := p_ids[i];
      tx_fingerprint := p_fingerprints[i];
      tx_metadata := p_metadata -> (i - 1);
      tx_created_at := p_now;
      balances := CASE WHEN v_status[i] = 'posted' THEN v_leg_bal[v_first:v_last] END;
      RETURN NEXT;
    END IF;
    v_first := v_last + 1;
  END LOOP;
END
$$;
