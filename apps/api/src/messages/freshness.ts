/**
 * What a write says about the changes it announces, the one notion the exactly-once plumbing
 * needs: `fresh`, this call made it, so no attempt before can have announced any of it; `repeat`,
 * an earlier attempt made it (a resend, a repeated receipt, a DRFI answer finished again) and may
 * have announced it to everyone, to some, or to nobody before it died. The change feed derives the
 * rest (ChangeFeedService.announce): a repeat is added, and told, only where it is missing, and
 * the users it reached now are the answer (a message is pushed only if it reached its receiver now).
 */
export type Freshness = 'fresh' | 'repeat';

/** A write's freshness from whether it created (or changed) what it wrote. */
export const freshness = (created: boolean): Freshness => (created ? 'fresh' : 'repeat');
