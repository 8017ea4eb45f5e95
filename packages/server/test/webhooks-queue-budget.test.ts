/**
 * QueueBudget: the byte budget of the webhook backlog. An app always gets its guaranteed share,
 * may borrow free room up to its own cap while the other apps' unused shares stay available, and
 * the total never exceeds the cap.
 */
import { describe, expect, it } from 'vitest';
import { QueueBudget } from '../src/webhooks/queue-budget';

describe('QueueBudget', () => {
  it('lets an app borrow beyond its share only while the others keep theirs', () => {
    const budget = new QueueBudget({ totalBytes: 1_000, perAppBytes: 800, appCount: 2 });
    expect(budget.guaranteeBytes).toBe(500);
    // B borrows: 500 guaranteed, but A's unused 500 must stay free, so nothing beyond.
    expect(budget.tryReserve('b', 500)).toBeUndefined();
    expect(budget.tryReserve('b', 1)).toBe('total_bytes_full');
    // A gets its whole share whatever B did.
    expect(budget.tryReserve('a', 500)).toBeUndefined();
    expect(budget.totalUsed).toBe(1_000);
    expect(budget.tryReserve('a', 1)).toBe('total_bytes_full');
    budget.release('a', 500);
    budget.release('b', 500);
    expect(budget.totalUsed).toBe(0);
  });

  it('lets the only active app borrow up to its own cap, never past the total', () => {
    const budget = new QueueBudget({ totalBytes: 1_000, perAppBytes: 600, appCount: 1 });
    expect(budget.tryReserve('a', 600)).toBeUndefined();
    expect(budget.tryReserve('a', 1)).toBe('app_bytes_full');
    // An app beyond appCount has no guarantee and borrows what is left.
    expect(budget.tryReserve('late', 400)).toBeUndefined();
    expect(budget.tryReserve('late', 1)).toBe('total_bytes_full');
    expect(budget.totalUsed).toBe(1_000);
  });

  it('never exceeds the total under any sequence of reserves and releases', () => {
    const budget = new QueueBudget({ totalBytes: 10_000, perAppBytes: 6_000, appCount: 3 });
    const held = new Map<string, number[]>();
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let step = 0; step < 2_000; step++) {
      const app = `app-${Math.floor(random() * 4)}`;
      const list = held.get(app) ?? [];
      held.set(app, list);
      if (random() < 0.6) {
        const bytes = 1 + Math.floor(random() * 900);
        if (budget.tryReserve(app, bytes) === undefined) list.push(bytes);
      } else if (list.length > 0) {
        budget.release(app, list.pop() as number);
      }
      expect(budget.totalUsed).toBeLessThanOrEqual(10_000);
      for (const [id, bytes] of held) {
        expect(budget.usedBy(id)).toBe(bytes.reduce((sum, value) => sum + value, 0));
      }
    }
    // However much one app wants, the others can still queue their whole share.
    const fresh = new QueueBudget({ totalBytes: 9_000, perAppBytes: 9_000, appCount: 3 });
    expect(fresh.tryReserve('x', 3_000)).toBeUndefined();
    expect(fresh.tryReserve('x', 1)).toBe('total_bytes_full');
    expect(fresh.tryReserve('y', 3_000)).toBeUndefined();
    expect(fresh.tryReserve('z', 3_000)).toBeUndefined();
  });
});
