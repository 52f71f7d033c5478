import { createApplicationActivities } from './applications';
import type { ActivityDeps } from './deps';
import { createNotificationActivities, type Mailer, type SmsProvider } from './notifications';

export type { ActivityDeps } from './deps';

/** Transports and test fault points, beyond what every activity gets. */
export interface ExtraActivityDeps {
  mailer?: Mailer;
  sms?: SmsProvider;
  faults?: { afterDelivered?: (key: string) => void };
}

export const createActivities = (deps: ActivityDeps & ExtraActivityDeps) => ({
  ...createApplicationActivities(deps),
  ...createNotificationActivities(deps),
});

export type Activities = ReturnType<typeof createActivities>;
