import { createApplicationActivities } from './applications';
import type { ActivityDeps } from './deps';

export type { ActivityDeps } from './deps';

export const createActivities = (deps: ActivityDeps) => ({
  ...createApplicationActivities(deps),
});

export type Activities = ReturnType<typeof createActivities>;
