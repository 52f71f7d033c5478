/**
 * An API error in the user's language, where the action is. A 503 offers "try again";
 * forms keep what was typed, since nothing is reset on failure.
 */
import { Alert, Button } from 'antd';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n/i18n';

export function useErrorText() {
  const { t, tx } = useI18n();
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return t('errors.internal');
    return tx(`errors.${error.code}`, t('errors.internal'));
  };
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText()(error);
  const apiError = error instanceof ApiError ? error : undefined;
  // Details without a field path (a 409's reason) are shown here; field details go next to their field.
  const loose = apiError?.details.filter((d) => !d.path?.startsWith('body.')) ?? [];
  const detail = loose.map((d) => d.message).join('; ') || (apiError && apiError.status === 409 ? apiError.message : '');
  return (
    <Alert
      role="alert"
      type={apiError?.status === 503 ? 'warning' : 'error'}
      showIcon
      title={text}
      description={detail ? t('errors.serverSaid', { message: detail }) : undefined}
      action={
        onRetry && (!apiError || apiError.status >= 500 || apiError.status === 429) ? (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/** Form.Item props for a field the API refused. */
export function fieldError(error: unknown, field: string, t: (k: 'errors.field', v: { message: string }) => string) {
  if (!(error instanceof ApiError)) return {};
  const d = error.forField(field);
  return d ? { validateStatus: 'error' as const, help: t('errors.field', { message: d.message }) } : {};
}
