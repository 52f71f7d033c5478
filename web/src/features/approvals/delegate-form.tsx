/** Hand a pending approval to another user (HR and admins): from one of the level's undecided approvers, to anyone active. */
import { useState } from 'react';
import { Alert, Button } from 'antd';
import { api, unwrap } from '../../api/client';
import { useApplicationAction, useUsers } from '../../api/queries';
import { useI18n } from '../../i18n/i18n';
import { useWho } from '../../shell/bits';
import { ErrorNote, fieldError } from '../../shell/error-note';

export function DelegateForm({ applicationId, undecided }: { applicationId: string; undecided: string[] }) {
  const { t } = useI18n();
  const who = useWho();
  const users = useUsers(true).data?.items ?? [];
  const [from, setFrom] = useState(undecided[0] ?? '');
  const [to, setTo] = useState('');
  const delegate = useApplicationAction(applicationId, (v: { fromUserId: string; toUserId: string }) =>
    unwrap(api.POST('/v1/applications/{id}/offer/approvals/delegate', { params: { path: { id: applicationId } }, body: v })),
  );
  const submit = () => from && to && delegate.mutate({ fromUserId: from, toUserId: to });
  const toError = fieldError(delegate.error, 'toUserId', t);
  return (
    <form
      aria-label={t('delegate.title')}
      className="delegate-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label>
        {t('delegate.from')}
        <select value={from} onChange={(e) => setFrom(e.target.value)}>
          {undecided.map((id) => (
            <option key={id} value={id}>
              {who(id)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('delegate.to')}
        <select value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={toError.help ? true : undefined}>
          <option value="">{t('delegate.choose')}</option>
          {users
            .filter((u) => !undecided.includes(u.id))
            .map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
        </select>
      </label>
      {toError.help && <span className="field-error">{toError.help}</span>}
      <Button htmlType="submit" disabled={!from || !to} loading={delegate.isPending}>
        {t('delegate.submit')}
      </Button>
      {delegate.isSuccess && !delegate.isPending && <Alert type="success" role="status" title={t('delegate.done')} />}
      {delegate.error && <ErrorNote error={delegate.error} onRetry={submit} />}
    </form>
  );
}
