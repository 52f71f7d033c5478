import { createApplicationActivities } from './applications';
import type { ActivityDeps } from './deps';
import { createNotificationActivities, type Mailer, type SmsProvider } from './notifications';
import { createOfferActivities } from './offers';
import { createOnboardingActivities } from './onboarding';
import { createProbationActivities } from './probation';
import { createRetentionActivities } from './retention';
import { createWebhookActivities } from './webhooks';

export type { ActivityDeps } from './deps';

/** Transports and test fault points, beyond what every activity gets. */
export interface ExtraActivityDeps {
  mailer?: Mailer;
  sms?: SmsProvider;
  faults?: { afterDelivered?: (key: string) => void };
}

export const createActivities = (deps: ActivityDeps & ExtraActivityDeps) => {
  const notifications = createNotificationActivities(deps);
  return {
    ...createApplicationActivities(deps),
    ...notifications,
    ...createOfferActivities({ ...deps, sendToCandidate: notifications.sendToCandidate }),
    ...createOnboardingActivities({ ...deps, sendToCandidate: notifications.sendToCandidate }),
    ...createProbationActivities(deps),
    ...createWebhookActivities(deps),
    ...createRetentionActivities(deps),
  };
};

export type Activities = ReturnType<typeof createActivities>;
