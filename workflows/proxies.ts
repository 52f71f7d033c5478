/**
 * The workflow's one set of activity proxies. Every activity runs under one retry policy,
 * except messages (longer backoff: a mail server may be down for hours) and webhook events
 * (an endpoint may be down for days). Each activity keeps the timeout it has always been
 * scheduled with, so histories recorded before this file existed replay unchanged.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS, NON_RETRYABLE_ERROR_TYPES } from './retry';

const RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES };

const options = (startToCloseTimeout: ActivityOptions['startToCloseTimeout'], retry: ActivityOptions['retry'] = RETRY): ActivityOptions => ({
  startToCloseTimeout,
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT_MS,
  retry,
});

/** Mirror writes and the checks of the application's own data: short. */
const short = proxyActivities<Activities>(options('30s'));
/** Approval chains, letters, signatures, employees. */
const standard = proxyActivities<Activities>(options('1 minute'));

export const acts = {
  recordStage: short.recordStage,
  recordScores: short.recordScores,
  checkApplication: short.checkApplication,
  screenApplication: short.screenApplication,
  resolveOfferApprovalChain: standard.resolveOfferApprovalChain,
  recordOfferVersion: standard.recordOfferVersion,
  syncApprovalItems: standard.syncApprovalItems,
  renderOffer: standard.renderOffer,
  signOffer: standard.signOffer,
  convertToEmployee: standard.convertToEmployee,
  completeOnboarding: standard.completeOnboarding,
  concludeProbation: standard.concludeProbation,
  sendDocumentRejected: standard.sendDocumentRejected,
  sendOnboardingNotice: standard.sendOnboardingNotice,
};

/** Messages retry temporary failures for as long as it takes, at most 10 minutes apart. */
export const messaging = proxyActivities<Pick<Activities, 'sendToCandidate' | 'notifyStaff' | 'sendAcknowledgement' | 'sendOfferMessage'>>(
  options('1 minute', { ...RETRY, initialInterval: '2s', maximumInterval: '10 minutes' }),
);

/** A run starts no new POST after 15 s and each POST times out after 10 s. */
export const { deliverEvent } = proxyActivities<Pick<Activities, 'deliverEvent'>>(
  options('1 minute', { ...RETRY, initialInterval: '5s', maximumInterval: '5 minutes' }),
);
