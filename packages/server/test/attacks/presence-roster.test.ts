/**
 * Attack (issue 8.12): joins to a large presence roster (`relaxed` allows 10,000 members) each
 * serialized the whole roster again, so N joins cost N full serializations. The roster frame must
 * be built once per change: each member's `user_info` is serialized once, however many joins
 * follow. Measured without touching the server: the seeded members' `user_info` objects count
 * their own serializations (`toJSON`), and every joiner must still get the full, correct roster.
 */
import { describe, expect, it } from 'vitest';
import { APP, connect, startServer } from '../ws-helpers';

const CHANNEL = 'presence-big';
const SEEDED = 2_000;
const JOINS = 20;

describe('presence roster serialization', () => {
  it('serializes each member once across many joins, with full rosters', async () => {
    const { server, wsUrl } = await startServer({ relaxed: true });
    let serializations = 0;
    for (let i = 0; i < SEEDED; i += 1) {
      const info = {
        name: `Member ${i}`,
        toJSON: () => {
          serializations += 1;
          return { name: i };
        },
      };
      await server.adapter.addMember(APP.id, CHANNEL, `9.${i}`, {
        userId: `seeded-${i}`,
        userInfo: info,
      });
    }

    for (let j = 0; j < JOINS; j += 1) {
      const client = await connect(wsUrl());
      const joined = await client.join(CHANNEL, JSON.stringify({ user_id: `joiner-${j}` }));
      const roster = JSON.parse(joined.data as string) as {
        presence: { count: number; ids: string[]; hash: Record<string, unknown> };
      };
      expect(roster.presence.count).toBe(SEEDED + j + 1);
      expect(roster.presence.hash['seeded-7']).toEqual({ name: 7 });
      expect(roster.presence.hash[`joiner-${j}`]).toBeNull();
      // A second connection of a present user changes nothing: the same frame is reused.
      const again = await connect(wsUrl());
      const rejoined = await again.join(CHANNEL, JSON.stringify({ user_id: `joiner-${j}` }));
      expect(rejoined.data).toBe(joined.data);
    }
    // The old code serialized the whole roster on every join: 2 × 20 × 2,000 = 80,000 times.
    expect(serializations).toBe(SEEDED);
  });
});
