import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button, ErrorAlert, Loading, TextField } from '../../app/ui.tsx';
import { CheckboxGroup } from '../../app/ui-checkboxes.tsx';
import { webhooksApi } from './webhooks.api.ts';

/** What the endpoint form submits. */
export interface EndpointFormValues {
  url: string;
  description: string;
  events: string[];
}

/** The event catalogue for the checkboxes (server list, or the built-in one). */
export function useEventCatalogue() {
  const api = useApi();
  return useQuery({ queryKey: ['events'], queryFn: () => webhooksApi.events(api), staleTime: Infinity });
}

/**
 * URL, description and event checkboxes, for creating and for editing an endpoint. Test ids are
 * `${testId}`, `${testId}-url`, `${testId}-description`, `${testId}-submit`; the event boxes use
 * `${eventPrefix}-<event name>` and `${eventPrefix}-all`.
 */
export function EndpointForm({
  initial,
  submitLabel,
  busy,
  error,
  onSubmit,
  testId,
  eventPrefix,
  resetOnSuccess = false,
}: {
  initial?: EndpointFormValues;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (values: EndpointFormValues, done: () => void) => void;
  testId: string;
  eventPrefix: string;
  resetOnSuccess?: boolean;
}) {
  const { t } = useI18n();
  const catalogue = useEventCatalogue();
  const [events, setEvents] = useState<string[]>(initial?.events ?? []);
  const [noEvents, setNoEvents] = useState(false);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setNoEvents(events.length === 0);
    if (events.length === 0) return;
    onSubmit({ url: formText(form, 'url'), description: formText(form, 'description'), events }, () => {
      if (!resetOnSuccess) return;
      form.reset();
      setEvents([]);
    });
  }

  return (
    <form className="form" onSubmit={submit} data-testid={testId}>
      <TextField
        label={t('webhooks.url')}
        name="url"
        type="url"
        required
        inputMode="url"
        placeholder="https://example.com/webhooks/pnptv"
        defaultValue={initial?.url}
        hint={t('webhooks.urlHint')}
        data-testid={`${testId}-url`}
      />
      <TextField
        label={t('webhooks.description')}
        name="description"
        maxLength={200}
        defaultValue={initial?.description}
        data-testid={`${testId}-description`}
      />
      {catalogue.isPending && <Loading label={t('webhooks.loadingEvents')} />}
      {catalogue.data && (
        <CheckboxGroup
          legend={t('webhooks.events')}
          options={catalogue.data}
          selected={events}
          onChange={(next) => {
            setEvents(next);
            if (next.length > 0) setNoEvents(false);
          }}
          allLabel={t('webhooks.allEvents')}
          testIdPrefix={eventPrefix}
        />
      )}
      {noEvents && (
        <div className="alert alert-error" role="alert" data-code="EVENTS_REQUIRED">
          {t('webhooks.eventsRequired')}
        </div>
      )}
      <ErrorAlert error={error} testId={`${testId}-error`} />
      <div className="form-actions">
        <Button type="submit" busy={busy} data-testid={`${testId}-submit`}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
