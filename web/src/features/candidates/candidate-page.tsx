/**
 * Everything about one application, and every action on it where it is done: profile,
 * discrepancies, scores, evaluation, decision, offer, approvals, messages, timeline.
 * Sections have ids so My work links straight to the one that needs the person.
 */
import { useEffect } from 'react';
import { Spin, Typography } from 'antd';
import { useLocation, useParams } from 'react-router';
import { isHr, useApplication, useJob, useMe } from '../../api/queries';
import { useI18n } from '../../i18n/i18n';
import { StageTag } from '../../shell/bits';
import { ErrorNote } from '../../shell/error-note';
import { ProfileSection } from './profile-section';
import { DiscrepanciesSection } from './discrepancies-section';
import { ScoresSection } from './scores-section';
import { EvaluationSection } from './evaluation-section';
import { DecisionSection } from './decision-section';
import { OfferSection } from './offer-section';
import { ApprovalsSection } from './approvals-section';
import { MessagesSection } from './messages-section';
import { TimelineSection } from './timeline-section';
import { OnboardingSection } from '../onboarding/onboarding-section';
import { ProbationSection } from '../probation/probation-section';
import './candidate-page.css';

export function CandidatePage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const me = useMe().data!;
  const application = useApplication(id!);
  const job = useJob(application.data?.jobId);
  const { hash } = useLocation();
  const ready = !!application.data;
  useEffect(() => {
    if (ready && hash) document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [ready, hash]);

  if (application.error && !application.data) return <ErrorNote error={application.error} onRetry={() => void application.refetch()} />;
  if (!application.data) return <Spin aria-label={t('common.loading')} />;
  const a = application.data;
  return (
    <article className="candidate" aria-labelledby="candidate-name">
      <header className="candidate-header">
        <Typography.Title level={1} id="candidate-name" style={{ fontSize: 24, margin: 0 }}>
          {a.candidate.name}
        </Typography.Title>
        <StageTag stage={a.stage} />
        {job.data && <Typography.Text type="secondary">{job.data.title}</Typography.Text>}
      </header>
      <ProfileSection a={a} me={me} />
      <DiscrepanciesSection a={a} me={me} />
      <ScoresSection a={a} />
      <EvaluationSection a={a} me={me} job={job.data} />
      <DecisionSection a={a} me={me} />
      <OfferSection a={a} me={me} job={job.data} />
      <ApprovalsSection a={a} me={me} />
      <OnboardingSection a={a} me={me} />
      <ProbationSection a={a} me={me} />
      {isHr(me) && <MessagesSection id={a.id} />}
      <TimelineSection a={a} />
    </article>
  );
}
