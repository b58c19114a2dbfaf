import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
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

/** The end of a catalogue form: submit, cancel when editing, and what went wrong. */
function FormFooter({
  prefix,
  busy,
  submitLabel,
  onCancel,
  invalidMessage,
  error,
}: {
  prefix: string;
  busy: boolean;
  submitLabel: string;
  onCancel?: () => void;
  invalidMessage: string | null;
  error: unknown;
}) {
  const { t } = useI18n();
  return (
    <>
      <Button type="submit" busy={busy} data-testid={`${prefix}-submit`}>
        {submitLabel}
      </Button>
      {onCancel && (
        <Button variant="ghost" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      )}
      {invalidMessage && (
        <p className="alert alert-error" role="alert">
          {invalidMessage}
        </p>
      )}
      <ErrorAlert error={error} />
    </>
  );
}

/** Handlers a catalogue form gets while editing an item in its row. */
interface EditHandlers {
  onSaved: () => void;
  onCancel: () => void;
}

/**
 * One catalogue item (`stem` is `package` or `gift`, for test ids) with its summary, and edit
 * and activate/deactivate actions; `refresh` runs after either changes it.
 */
function CatalogueRow({
  stem,
  item,
  leading,
  summary,
  setActive,
  refresh,
  editForm,
}: {
  stem: string;
  item: { id: string; active: boolean };
  leading?: ReactNode;
  summary: ReactNode;
  setActive: (active: boolean) => Promise<unknown>;
  refresh: () => void;
  editForm: (handlers: EditHandlers) => ReactNode;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const toggle = useMutation({ mutationFn: () => setActive(!item.active), onSuccess: refresh });
  return (
    <li
      className="list-row list-row-top"
      data-testid={`admin-${stem}-row`}
      {...{ [`data-${stem}-id`]: item.id }}
    >
      {leading}
      <div className="list-main stack-sm">
        <div>
          {summary}{' '}
          <Badge tone={item.active ? 'success' : 'neutral'}>
            {item.active ? t('money.admin.active') : t('money.admin.inactive')}
          </Badge>
        </div>
        {editing &&
          editForm({
            onSaved: () => {
              setEditing(false);
              refresh();
            },
            onCancel: () => setEditing(false),
          })}
        <ErrorAlert error={toggle.error} />
      </div>
      {!editing && (
        <div className="row-actions">
          <Button
            small
            variant="secondary"
            onClick={() => setEditing(true)}
            data-testid={`${stem}-edit-${item.id}`}
          >
            {t('money.admin.edit')}
          </Button>
          <Button
            small
            variant="ghost"
            busy={toggle.isPending}
            onClick={() => toggle.mutate()}
            data-testid={`${stem}-toggle-${item.id}`}
          >
            {item.active ? t('money.admin.deactivate') : t('money.admin.activate')}
          </Button>
        </div>
      )}
    </li>
  );
}

/** A catalogue tab: a card to add an item, and the list of items (or its empty state). */
function CatalogueTab<T>({
  stem,
  newTitle,
  listTitle,
  emptyTitle,
  query,
  newForm,
  row,
}: {
  stem: string;
  newTitle: string;
  listTitle: string;
  emptyTitle: string;
  query: { isPending: boolean; isSuccess: boolean; error: unknown; data?: { items: T[] } };
  newForm: ReactNode;
  row: (item: T) => ReactNode;
}) {
  const items = query.data?.items ?? [];
  return (
    <div className="stack">
      <Card title={newTitle} testId={`admin-${stem}-new`}>
        {newForm}
      </Card>
      <Card title={listTitle} testId={`admin-${stem}s`}>
        {query.isPending && <Loading />}
        <ErrorAlert error={query.error} />
        {query.isSuccess && items.length === 0 && <EmptyState title={emptyTitle} />}
        {items.length > 0 && (
          <ul className="list" data-testid={`admin-${stem}-list`}>
            {items.map(row)}
          </ul>
        )}
      </Card>
    </div>
  );
}

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
      <FormFooter
        prefix={prefix}
        busy={save.isPending}
        submitLabel={pack ? t('common.save') : t('money.admin.addPackage')}
        onCancel={onCancel}
        invalidMessage={invalid ? t('money.admin.packageInvalid') : null}
        error={save.error}
      />
    </form>
  );
}

/** Coin packages: create, edit, activate and deactivate. */
export function AdminPackagesTab() {
  const api = useApi();
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: PACKAGES_KEY, queryFn: () => moneyAdminApi.packages(api) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: PACKAGES_KEY });
  return (
    <CatalogueTab
      stem="package"
      newTitle={t('money.admin.newPackage')}
      listTitle={t('money.admin.packages')}
      emptyTitle={t('money.buy.noPackages')}
      query={query}
      newForm={<PackageForm onSaved={refresh} />}
      row={(pack: CoinPackage) => (
        <CatalogueRow
          key={pack.id}
          stem="package"
          item={pack}
          summary={
            <>
              <strong>{pack.name}</strong>{' '}
              <span>
                {t('money.coinsCount', { coins: formatCoins(pack.coins, locale) })} ·{' '}
                {formatPrice(pack.priceMinor, pack.currency, locale)}
              </span>
            </>
          }
          setActive={(active) => moneyAdminApi.updatePackage(api, pack.id, { active })}
          refresh={refresh}
          editForm={(handlers) => <PackageForm pack={pack} {...handlers} />}
        />
      )}
    />
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
      <FormFooter
        prefix={prefix}
        busy={save.isPending}
        submitLabel={gift ? t('common.save') : t('money.admin.addGift')}
        onCancel={onCancel}
        invalidMessage={invalid ? t('money.admin.giftInvalid') : null}
        error={save.error}
      />
    </form>
  );
}

/** The gift catalogue: create, edit, activate and deactivate. */
export function AdminGiftsTab() {
  const api = useApi();
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: GIFTS_KEY, queryFn: () => moneyAdminApi.gifts(api) });
  const refreshList = () => void queryClient.invalidateQueries({ queryKey: GIFTS_KEY });
  // A changed gift also changes the catalogue viewers pick from.
  const refresh = () => {
    refreshList();
    void queryClient.invalidateQueries({ queryKey: ['gifts'] });
  };
  return (
    <CatalogueTab
      stem="gift"
      newTitle={t('money.admin.newGift')}
      listTitle={t('money.admin.gifts')}
      emptyTitle={t('money.admin.giftsEmpty')}
      query={query}
      newForm={<GiftForm onSaved={refreshList} />}
      row={(gift: Gift) => (
        <CatalogueRow
          key={gift.id}
          stem="gift"
          item={gift}
          leading={
            <span className="money-gift-icon" aria-hidden="true">
              {gift.icon}
            </span>
          }
          summary={
            <>
              <strong>{gift.name}</strong>{' '}
              <span>{t('money.coinsCount', { coins: formatCoins(gift.coins, locale) })}</span>{' '}
              <Badge tone="info">{t(`money.animation.${gift.animation}`)}</Badge>
            </>
          }
          setActive={(active) => moneyAdminApi.updateGift(api, gift.id, { active })}
          refresh={refresh}
          editForm={(handlers) => <GiftForm gift={gift} {...handlers} />}
        />
      )}
    />
  );
}
