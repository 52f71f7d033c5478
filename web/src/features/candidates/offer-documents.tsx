/**
 * The offer's documents for HR and admins: the letter as sent and the signed copy (each
 * download is audited by the API), and the letter a draft would make, before it is saved.
 */
import { Button, Space } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { api, type ApiError } from '../../api/client';
import { isHr } from '../../api/queries';
import type { TApplication, TMe } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { saveResponse } from '../../shell/download';
import { ErrorNote } from '../../shell/error-note';

type TKind = 'letter' | 'signed';

export function OfferDownloads({ a, me }: { a: TApplication; me: TMe }) {
  const { t } = useI18n();
  const download = useMutation<void, ApiError, TKind>({
    mutationFn: (kind) => {
      const path = kind === 'letter' ? '/v1/applications/{id}/offer/letter' : '/v1/applications/{id}/offer/signed';
      const version = [...a.offer.versions].reverse().find((v) => (kind === 'letter' ? v.letter : v.response?.kind === 'accepted'))?.version ?? 1;
      return saveResponse(api.GET(path, { params: { path: { id: a.id }, query: {} }, parseAs: 'blob' }), `offer-v${version}${kind === 'signed' ? '-signed' : ''}.pdf`);
    },
  });
  if (!isHr(me)) return null;
  const hasLetter = a.offer.versions.some((v) => v.letter && v.sentAt);
  const hasSigned = a.offer.versions.some((v) => v.response?.kind === 'accepted');
  if (!hasLetter && !hasSigned) return null;
  return (
    <div className="offer-documents">
      <Space wrap>
        {hasLetter && (
          <Button loading={download.isPending && download.variables === 'letter'} onClick={() => download.mutate('letter')}>
            {t('cc.offer.downloadLetter')}
          </Button>
        )}
        {hasSigned && (
          <Button loading={download.isPending && download.variables === 'signed'} onClick={() => download.mutate('signed')}>
            {t('cc.offer.downloadSigned')}
          </Button>
        )}
      </Space>
      {download.error && <ErrorNote error={download.error} onRetry={() => download.variables && download.mutate(download.variables)} />}
    </div>
  );
}
