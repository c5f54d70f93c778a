import { DELIVERY_STATUSES, DeliveryStatus } from '@app/dal';
import { advancesDelivery, deliveryStatusesBefore, isRead } from './status-rules';

describe('delivery status rules', () => {
  const order: DeliveryStatus[] = ['sent', 'delivered', 'seen'];

  it('covers every stored status', () => {
    expect([...DELIVERY_STATUSES].sort()).toEqual([...order].sort());
  });

  // Exhaustive: every (current, requested) pair.
  it.each(order.flatMap((current, i) => order.map((requested, j) => [current, requested, j > i] as const)))(
    'from %s, %s advances: %s',
    (current, requested, advances) => {
      expect(advancesDelivery(current, requested)).toBe(advances);
      expect(deliveryStatusesBefore(requested).includes(current)).toBe(advances);
    },
  );

  it('lets seen skip delivered', () => {
    expect(deliveryStatusesBefore('seen')).toEqual(['sent', 'delivered']);
    expect(deliveryStatusesBefore('delivered')).toEqual(['sent']);
    expect(deliveryStatusesBefore('sent')).toEqual([]);
  });

  it('reads isread off the status', () => {
    expect(order.map(isRead)).toEqual([false, false, true]);
  });
});

describe('DRFI request status rules', () => {
  const { drfiTransition, DRFI_STATUSES, DRFI_RESOLUTIONS } = jest.requireActual('./status-rules') as typeof import('./status-rules');

  // Exhaustive: every (current, requested) pair.
  it.each(DRFI_STATUSES.flatMap((current) => DRFI_RESOLUTIONS.map((requested) => [current, requested, current === 'sent' ? 'resolve' : 'conflict'] as const)))(
    'from %s, %s: %s',
    (current, requested, outcome) => {
      expect(drfiTransition(current, requested)).toBe(outcome);
    },
  );
});
