import type { DeliveryStatus } from '@app/dal';

/**
 * The delivery status machine (CONTRACT section 4): sent -> delivered -> seen, forward only,
 * skipping allowed. Pure rules; MessageStatusService applies them with conditional writes.
 */
export const DELIVERY_RANK: Record<DeliveryStatus, number> = { sent: 0, delivered: 1, seen: 2 };

/** The receiver-reported statuses (a receiver never reports `sent`). */
export const RECEIPT_STATUSES = ['delivered', 'seen'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** Whether moving from `current` to `requested` is a real change (false: a no-op that still succeeds). */
export function advancesDelivery(current: DeliveryStatus, requested: DeliveryStatus): boolean {
  return DELIVERY_RANK[requested] > DELIVERY_RANK[current];
}

/** The statuses a message may be in for `to` to move it forward: the condition of the write. */
export function deliveryStatusesBefore(to: DeliveryStatus): DeliveryStatus[] {
  return (Object.keys(DELIVERY_RANK) as DeliveryStatus[]).filter((s) => DELIVERY_RANK[s] < DELIVERY_RANK[to]);
}

/** `isread` in the REST API is true exactly when the status is `seen` (CONTRACT section 3). */
export function isRead(status: DeliveryStatus): boolean {
  return status === 'seen';
}

/**
 * The DRFI request machine (CONTRACT section 4): sent -> accepted | denied, both terminal; only
 * the request's receiver resolves it, exactly once.
 */
export const DRFI_STATUSES = ['sent', 'accepted', 'denied'] as const;
export type DrfiStatus = (typeof DRFI_STATUSES)[number];
export const DRFI_RESOLUTIONS = ['accepted', 'denied'] as const;
export type DrfiResolution = (typeof DRFI_RESOLUTIONS)[number];

export type DrfiTransition = 'resolve' | 'conflict';

/** A request in `sent` can be resolved; a resolved one can't be resolved again (409). */
export function drfiTransition(current: DrfiStatus, _requested: DrfiResolution): DrfiTransition {
  return current === 'sent' ? 'resolve' : 'conflict';
}
