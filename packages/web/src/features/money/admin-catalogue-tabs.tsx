import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { Badge, Button, Card, EmptyState, ErrorAlert, Loading, TextField } from '../../app/ui.tsx';
import { moneyAdminApi } from './money.api.ts';
import { formatCoins, formatPrice, minorToInput, parseCoins, parsePrice } from './money.format.ts';
import type { CoinPackage, Gift, GiftAnimationKind } from './money.types.ts';
import './money.css';

const PACKAGES_KEY = ['admin', 'coin-packages'] as const;
const GIFTS_KEY = ['admin', 'gifts'] as const;
const ANIMATIONS: GiftAnimationKind[] = ['float', 'burst', 'rain'];

/** Fields of a coin package, empty for a new one. */
function PackageForm({
  pack,
  onSaved,
  onCancel,
}: {
  pack?: CoinPackage;
  onSaved: () => void;
  onCancel?: () => void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const [invalid, setInvalid] = useState(false);
  const save = useMutation({
    mutationFn: (body: { name: string; coins: number; priceMinor: number; currency: string }) =>
      pack ? moneyAdminApi.updatePackage(api, pack.id, body) : moneyAdminApi.createPackage(api, body),
    onSuccess: onSaved,
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const currency = formText(form, 'currency').toUpperCase();
    const coins = parseCoins(formText(form, 'coins'));
    const priceMinor = parsePrice(formText(form, 'price'), currency);
    const name = formText(form, 'name');
    const ok = coins !== null && priceMinor !== null && /^[A-Z]{3}$/.test(currency) && name !== '';
    setInvalid(!ok);
    if (!ok) return;
    save.mutate(
      { name, coins, priceMinor, currency },
      {
        onSuccess: () => {
          if (!pack) form.reset();
        },
      },
    );
  }

  const prefix = pack ? `package-edit-${pack.id}` : 'package-new';
  return (
    <form
      className="form form-inline money-admin-form"
      onSubmit={onSubmit}
      noValidate
      data-testid={`${prefix}-form`}
    >
      <TextField
        label={t('money.admin.name')}
        name="name"
        required
        maxLength={80}
        defaultValue={pack?.name}
        className="grow"
        data-testid={`${prefix}-name`}
      />
      <TextField
        label={t('money.coins')}
        name="coins"
        inputMode="numeric"
        required
        defaultValue={pack?.coins}
        data-testid={`${prefix}-coins`}
      />
      <TextField
        label={t('money.admin.price')}
        name="price"
        inputMode="decimal"
        required
        defaultValue={pack ? minorToInput(pack.priceMinor, pack.currency) : ''}
        data-testid={`${prefix}-price`}
      />
      <TextField
        label={t('money.admin.currency')}
        name="currency"
        required
        maxLength={3}
        defaultValue={pack?.currency ?? 'USD'}
        className="money-currency-field"
        data-testid={`${prefix}-currency`}
      />
      <Button type="submit" busy={save.isPending} data-testid={`${prefix}-submit`}>
        {pack ? t('common.save') : t('money.admin.addPackage')}
      </Button>
      {onCancel && (
        <Button variant="ghost" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      )}
      {invalid && (
        <p className="alert alert-error" role="alert">
          {t('money.admin.packageInvalid')}
        </p>
      )}
      <ErrorAlert error={save.error} />
    </form>
  );
}

/** One package with edit and activate/deactivate. */
function PackageRow({ pack }: { pack: CoinPackage }) {
  const api = useApi();
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: PACKAGES_KEY });
  const toggle = useMutation({
    mutationFn: () => moneyAdminApi.updatePackage(api, pack.id, { active: !pack.active }),
    onSuccess: refresh,
  });
  return (
    <li className="list-row list-row-top" data-testid="admin-package-row" data-package-id={pack.id}>
      <div className="list-main stack-sm">
        <div>
          <strong>{pack.name}</strong>{' '}
          <span>
            {t('money.coinsCount', { coins: formatCoins(pack.coins, locale) })} ·{' '}
            {formatPrice(pack.priceMinor, pack.currency, locale)}
          </span>{' '}
          <Badge tone={pack.active ? 'success' : 'neutral'}>
            {pack.active ? t('money.admin.active') : t('money.admin.inactive')}
          </Badge>
        </div>
        {editing && (
          <PackageForm
            pack={pack}
            onSaved={() => {
              setEditing(false);
              refresh();
            }}
            onCancel={() => setEditing(false)}
          />
        )}
        <ErrorAlert error={toggle.error} />
      </div>
      {!editing && (
        <div className="row-actions">
          <Button
            small
            variant="secondary"
            onClick={() => setEditing(true)}
            data-testid={`package-edit-${pack.id}`}
          >
            {t('money.admin.edit')}
          </Button>
          <Button
            small
            variant="ghost"
            busy={toggle.isPending}
            onClick={() => toggle.mutate()}
            data-testid={`package-toggle-${pack.id}`}
          >
            {pack.active ? t('money.admin.deactivate') : t('money.admin.activate')}
          </Button>
        </div>
      )}
    </li>
  );
}

/** Coin packages: create, edit, activate and deactivate. */
export function AdminPackagesTab() {
  const api = useApi();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: PACKAGES_KEY, queryFn: () => moneyAdminApi.packages(api) });
  const items = query.data?.items ?? [];
  return (
    <div className="stack">
      <Card title={t('money.admin.newPackage')} testId="admin-package-new">
        <PackageForm onSaved={() => void queryClient.invalidateQueries({ queryKey: PACKAGES_KEY })} />
      </Card>
      <Card title={t('money.admin.packages')} testId="admin-packages">
        {query.isPending && <Loading />}
        <ErrorAlert error={query.error} />
        {query.isSuccess && items.length === 0 && <EmptyState title={t('money.buy.noPackages')} />}
        {items.length > 0 && (
          <ul className="list" data-testid="admin-package-list">
            {items.map((pack) => (
              <PackageRow key={pack.id} pack={pack} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

/** Fields of a gift, empty for a new one. */
function GiftForm({ gift, onSaved, onCancel }: { gift?: Gift; onSaved: () => void; onCancel?: () => void }) {
  const api = useApi();
  const { t } = useI18n();
  const [invalid, setInvalid] = useState(false);
  const save = useMutation({
    mutationFn: (body: { name: string; icon: string; coins: number; animation: GiftAnimationKind }) =>
      gift ? moneyAdminApi.updateGift(api, gift.id, body) : moneyAdminApi.createGift(api, body),
    onSuccess: onSaved,
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = formText(form, 'name');
    const icon = formText(form, 'icon');
    const coins = parseCoins(formText(form, 'coins'));
    const animation = formText(form, 'animation') as GiftAnimationKind;
    const ok = name !== '' && icon !== '' && coins !== null && ANIMATIONS.includes(animation);
    setInvalid(!ok);
    if (!ok) return;
    save.mutate(
      { name, icon, coins, animation },
      {
        onSuccess: () => {
          if (!gift) form.reset();
        },
      },
    );
  }

  const prefix = gift ? `gift-edit-${gift.id}` : 'gift-new';
  return (
    <form
      className="form form-inline money-admin-form"
      onSubmit={onSubmit}
      noValidate
      data-testid={`${prefix}-form`}
    >
      <TextField
        label={t('money.admin.icon')}
        name="icon"
        required
        maxLength={16}
        defaultValue={gift?.icon}
        className="money-icon-field"
        data-testid={`${prefix}-icon`}
      />
      <TextField
        label={t('money.admin.name')}
        name="name"
        required
        maxLength={60}
        defaultValue={gift?.name}
        className="grow"
        data-testid={`${prefix}-name`}
      />
      <TextField
        label={t('money.coins')}
        name="coins"
        inputMode="numeric"
        required
        defaultValue={gift?.coins}
        data-testid={`${prefix}-coins`}
      />
      <div className="field">
        <label htmlFor={`${prefix}-animation`}>{t('money.admin.animation')}</label>
        <select
          id={`${prefix}-animation`}
          name="animation"
          defaultValue={gift?.animation ?? 'float'}
          data-testid={`${prefix}-animation`}
        >
          {ANIMATIONS.map((value) => (
            <option key={value} value={value}>
              {t(`money.animation.${value}`)}
            </option>
          ))}
        </select>
      </div>
      <Button type="submit" busy={save.isPending} data-testid={`${prefix}-submit`}>
        {gift ? t('common.save') : t('money.admin.addGift')}
      </Button>
      {onCancel && (
        <Button variant="ghost" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      )}
      {invalid && (
        <p className="alert alert-error" role="alert">
          {t('money.admin.giftInvalid')}
        </p>
      )}
      <ErrorAlert error={save.error} />
    </form>
  );
}

/** One gift with edit and activate/deactivate. */
function GiftRow({ gift }: { gift: Gift }) {
  const api = useApi();
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: GIFTS_KEY });
    void queryClient.invalidateQueries({ queryKey: ['gifts'] });
  };
  const toggle = useMutation({
    mutationFn: () => moneyAdminApi.updateGift(api, gift.id, { active: !gift.active }),
    onSuccess: refresh,
  });
  return (
    <li className="list-row list-row-top" data-testid="admin-gift-row" data-gift-id={gift.id}>
      <span className="money-gift-icon" aria-hidden="true">
        {gift.icon}
      </span>
      <div className="list-main stack-sm">
        <div>
          <strong>{gift.name}</strong>{' '}
          <span>{t('money.coinsCount', { coins: formatCoins(gift.coins, locale) })}</span>{' '}
          <Badge tone="info">{t(`money.animation.${gift.animation}`)}</Badge>{' '}
          <Badge tone={gift.active ? 'success' : 'neutral'}>
            {gift.active ? t('money.admin.active') : t('money.admin.inactive')}
          </Badge>
        </div>
        {editing && (
          <GiftForm
            gift={gift}
            onSaved={() => {
              setEditing(false);
              refresh();
            }}
            onCancel={() => setEditing(false)}
          />
        )}
        <ErrorAlert error={toggle.error} />
      </div>
      {!editing && (
        <div className="row-actions">
          <Button
            small
            variant="secondary"
            onClick={() => setEditing(true)}
            data-testid={`gift-edit-${gift.id}`}
          >
            {t('money.admin.edit')}
          </Button>
          <Button
            small
            variant="ghost"
            busy={toggle.isPending}
            onClick={() => toggle.mutate()}
            data-testid={`gift-toggle-${gift.id}`}
          >
            {gift.active ? t('money.admin.deactivate') : t('money.admin.activate')}
          </Button>
        </div>
      )}
    </li>
  );
}

/** The gift catalogue: create, edit, activate and deactivate. */
export function AdminGiftsTab() {
  const api = useApi();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: GIFTS_KEY, queryFn: () => moneyAdminApi.gifts(api) });
  const items = query.data?.items ?? [];
  return (
    <div className="stack">
      <Card title={t('money.admin.newGift')} testId="admin-gift-new">
        <GiftForm onSaved={() => void queryClient.invalidateQueries({ queryKey: GIFTS_KEY })} />
      </Card>
      <Card title={t('money.admin.gifts')} testId="admin-gifts">
        {query.isPending && <Loading />}
        <ErrorAlert error={query.error} />
        {query.isSuccess && items.length === 0 && <EmptyState title={t('money.admin.giftsEmpty')} />}
        {items.length > 0 && (
          <ul className="list" data-testid="admin-gift-list">
            {items.map((gift) => (
              <GiftRow key={gift.id} gift={gift} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
