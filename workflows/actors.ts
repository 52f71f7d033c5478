/** Who may do what, as the workflow sees its actors. Pure. */
import type { TActor, TTimelineEntry } from './messages';

/** HR and admins act as HR. */
export const isHr = (actor: TActor) => actor.roles.includes('hr') || actor.roles.includes('admin');

export function actorRef(actor: TActor | 'system'): TTimelineEntry['actor'] {
  return actor === 'system' ? 'system' : { id: actor.id, name: actor.name };
}
