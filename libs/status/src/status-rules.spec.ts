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
