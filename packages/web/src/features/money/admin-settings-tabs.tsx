import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import type { Page, User } from '../../app/types.ts';
import { Button, Card, ErrorAlert, Loading, Notice, TextField } from '../../app/ui.tsx';
import { moneyAdminApi, moneyApi, moneyKeys } from './money.api.ts';
import { bpsToPercent, parseCoins, percentToBps } from './money.format.ts';
import type { SplitSettings } from './money.types.ts';
import './money.css';

const SPLIT_KEY = ['admin', 'split'] as const;
/** Marks the lookup of a creator by e-mail finding nobody. */
const USER_NOT_FOUND = 'USER_NOT_FOUND';

/** The default share creators keep of what they earn, and the smallest payout they may request. */
function DefaultSplit({ settings }: { settings: SplitSettings }) {
  const api = useApi();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [invalid, setInvalid] = useState(false);
  const save = useMutation({
    mutationFn: (input: { bps: number; minimum: number }) =>
      moneyAdminApi.setSplit(api, input.bps, input.minimum),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SPLIT_KEY }),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const bps = percentToBps(formText(event.currentTarget, 'percent'));
    const minimum = parseCoins(formText(event.currentTarget, 'minimum'));
    setInvalid(bps === null || minimum === null);
    if (bps !== null && minimum !== null) save.mutate({ bps, minimum });
  }

  return (
    <Card title={t('money.split.default')} testId="admin-split-default">
      <p className="muted small">{t('money.split.defaultHint')}</p>
      <form className="form form-inline money-form-row" onSubmit={onSubmit} noValidate>
        <TextField
          label={t('money.split.percent')}
          name="percent"
          inputMode="decimal"
          defaultValue={String(bpsToPercent(settings.creatorBps))}
          hint={t('money.split.platformGets', { platform: bpsToPercent(10_000 - settings.creatorBps) })}
          data-testid="split-default-percent"
        />
        <TextField
          label={t('money.split.minimum')}
          name="minimum"
          inputMode="numeric"
          defaultValue={String(settings.payoutMinimum)}
          hint={t('money.split.minimumHint')}
          data-testid="split-minimum"
        />
        <Button type="submit" busy={save.isPending} data-testid="split-default-submit">
          {t('common.save')}
        </Button>
      </form>
      {invalid && (
        <p className="alert alert-error" role="alert">
          {t('money.split.invalid')}
        </p>
      )}
      {save.isSuccess && <Notice testId="split-default-saved">{t('money.split.saved')}</Notice>}
      <ErrorAlert error={save.error} />
    </Card>
  );
}

/** A creator with their own share, and a button that puts them back on the default. */
function OverrideRow({ override }: { override: SplitSettings['overrides'][number] }) {
  const api = useApi();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const clear = useMutation({
    mutationFn: () => moneyAdminApi.setCreatorSplit(api, override.creatorId, null),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SPLIT_KEY }),
  });
  return (
    <tr data-testid="split-override-row" data-creator-id={override.creatorId}>
      <th scope="row">
        {override.creatorName}
        <span className="muted small block mono">{override.creatorId}</span>
      </th>
      <td className="num">{bpsToPercent(override.creatorBps)} %</td>
      <td className="actions-cell">
        <Button
          small
          variant="ghost"
          busy={clear.isPending}
          onClick={() => clear.mutate()}
          data-testid={`split-clear-${override.creatorId}`}
        >
          {t('money.split.useDefault')}
        </Button>
        <ErrorAlert error={clear.error} />
      </td>
    </tr>
  );
}

/** A share for one creator that overrides the default (or clears the override), and the current overrides. */
function CreatorSplit({ settings }: { settings: SplitSettings }) {
  const api = useApi();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [invalid, setInvalid] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: async (input: { who: string; bps: number | null }) => {
      let userId = input.who;
      if (input.who.includes('@')) {
        const page = await api.get<Page<User>>('/admin/users', { query: input.who, limit: 5 });
        const match = page.items.find((user) => user.email.toLowerCase() === input.who.toLowerCase());
        if (!match) throw new Error(USER_NOT_FOUND);
        userId = match.id;
      }
      await moneyAdminApi.setCreatorSplit(api, userId, input.bps);
      return input;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SPLIT_KEY }),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const who = formText(form, 'who');
    const percent = formText(form, 'percent');
    const bps = percent === '' ? null : percentToBps(percent);
    if (who === '' || (percent !== '' && bps === null)) {
      setInvalid(t('money.split.creatorInvalid'));
      return;
    }
    setInvalid(null);
    save.mutate({ who, bps });
  }

  const notFound = save.error instanceof Error && save.error.message === USER_NOT_FOUND;
  return (
    <Card title={t('money.split.creator')} testId="admin-split-creator">
      <p className="muted small">{t('money.split.creatorHint')}</p>
      <form className="form form-inline money-form-row" onSubmit={onSubmit} noValidate>
        <TextField
          label={t('money.split.who')}
          name="who"
          className="grow"
          required
          data-testid="split-creator-who"
        />
        <TextField
          label={t('money.split.percent')}
          name="percent"
          inputMode="decimal"
          hint={t('money.split.emptyClears')}
          data-testid="split-creator-percent"
        />
        <Button type="submit" busy={save.isPending} data-testid="split-creator-submit">
          {t('common.save')}
        </Button>
      </form>
      {invalid && (
        <p className="alert alert-error" role="alert">
          {invalid}
        </p>
      )}
      {save.isSuccess && (
        <Notice testId="split-creator-saved">
          {save.data.bps === null
            ? t('money.split.creatorCleared', { who: save.data.who })
            : t('money.split.creatorSaved', { who: save.data.who, percent: bpsToPercent(save.data.bps) })}
        </Notice>
      )}
      {notFound ? (
        <p className="alert alert-error" role="alert">
          {t('money.split.notFound')}
        </p>
      ) : (
        <ErrorAlert error={save.error} />
      )}
      {settings.overrides.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="split-overrides">
            <thead>
              <tr>
                <th scope="col">{t('money.split.creatorColumn')}</th>
                <th scope="col" className="num">
                  {t('money.split.percent')}
                </th>
                <th scope="col" className="actions-cell">
                  {t('common.actions')}
                </th>
              </tr>
            </thead>
            <tbody>
              {settings.overrides.map((override) => (
                <OverrideRow key={override.creatorId} override={override} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** The revenue split: the default, the payout minimum and per-creator overrides. */
export function AdminSplitTab() {
  const api = useApi();
  const query = useQuery({ queryKey: SPLIT_KEY, queryFn: () => moneyAdminApi.split(api) });
  return (
    <div className="stack">
      {query.isPending && <Loading />}
      <ErrorAlert error={query.error} />
      {query.data && (
        <>
          <DefaultSplit settings={query.data} />
          <CreatorSplit settings={query.data} />
        </>
      )}
    </div>
  );
}

/** PRIME's monthly price and the perks it lists. */
export function AdminPrimeTab() {
  const api = useApi();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const perksId = useId();
  const query = useQuery({ queryKey: moneyKeys.prime, queryFn: () => moneyApi.prime(api) });
  const [invalid, setInvalid] = useState(false);
  const save = useMutation({
    mutationFn: (input: { priceCoins: number; perks: string[] }) =>
      moneyAdminApi.setPrime(api, input.priceCoins, input.perks),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: moneyKeys.prime }),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const priceCoins = parseCoins(formText(form, 'price'));
    const perks = formText(form, 'perks')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    setInvalid(priceCoins === null);
    if (priceCoins !== null) save.mutate({ priceCoins, perks });
  }

  return (
    <Card title={t('money.prime.title')} testId="admin-prime">
      {query.isPending && <Loading />}
      <ErrorAlert error={query.error} />
      {query.data && (
        <form className="form" onSubmit={onSubmit} noValidate>
          <TextField
            label={t('money.prime.price')}
            name="price"
            inputMode="numeric"
            defaultValue={String(query.data.priceCoins)}
            data-testid="prime-price"
          />
          <div className="field">
            <label htmlFor={perksId}>{t('money.prime.perks')}</label>
            <textarea
              id={perksId}
              name="perks"
              rows={5}
              defaultValue={query.data.perks.join('\n')}
              aria-describedby={`${perksId}-hint`}
              data-testid="prime-perks-input"
            />
            <p className="field-hint" id={`${perksId}-hint`}>
              {t('money.prime.perksHint')}
            </p>
          </div>
          <div className="form-actions">
            <Button type="submit" busy={save.isPending} data-testid="prime-save">
              {t('common.save')}
            </Button>
          </div>
        </form>
      )}
      {invalid && (
        <p className="alert alert-error" role="alert">
          {t('money.prime.invalid')}
        </p>
      )}
      {save.isSuccess && <Notice testId="prime-saved">{t('money.prime.saved')}</Notice>}
      <ErrorAlert error={save.error} />
    </Card>
  );
}
