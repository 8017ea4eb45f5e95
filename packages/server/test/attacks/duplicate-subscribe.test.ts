/**
 * Attack (issue 8.14): amplification by repeating a subscribe. A member of a presence channel with
 * a 100-member roster sends the same valid subscribe 1,000 times; each used to be answered with
 * the whole roster (65x more bytes out than in). Pusher answers a subscribe to a channel the
 * connection holds with a small `pusher:error` ("Existing subscription to channel ..."), and so
 * must this server: no more bytes out than in, and nothing changes in the channel.
 */
import { channelAuthSignature } from '@pushwire/sdk';
import { waitUntil } from '@pushwire/test-support';
import { describe, expect, it } from 'vitest';
import { APP, connect, startServer } from '../ws-helpers';

const ROSTER = 100;
// Within the default inbound frame burst: the budget would otherwise close the connection first.
const REPEATS = 1_000;
const CHANNEL = 'presence-room';

describe('repeated subscribe to a held presence channel', () => {
  it('is answered with at most as many bytes as it sent, without the roster', async () => {
    const { server, wsUrl } = await startServer();
    // 99 other members (their connections live on another node, as far as this test is concerned).
    for (let i = 0; i < ROSTER - 1; i += 1) {
      await server.adapter.addMember(APP.id, CHANNEL, `9.${i}`, {
        userId: `member-${i}`,
        userInfo: { name: `Member number ${i}`, avatar: `https://example.com/a/${i}.png` },
      });
    }
    const client = await connect(wsUrl());
    const channelData = JSON.stringify({ user_id: 'attacker' });
    const joined = await client.join(CHANNEL, channelData);
    expect(JSON.parse(joined.data as string).presence.count).toBe(ROSTER);

    const socketId = await client.socketId();
    const auth = channelAuthSignature({ ...APP, socketId, channel: CHANNEL, channelData });
    const frame = JSON.stringify({
      event: 'pusher:subscribe',
      data: { channel: CHANNEL, auth, channel_data: channelData },
    });
    const textsBefore = client.texts.length;
    for (let i = 0; i < REPEATS; i += 1) client.send(frame);
    // Every repeat gets an answer (pings are answered outside the subscription queue, so a round
    // trip proves nothing); bounded, since the old server's answers overflowed the outbound buffer.
    const answered = () => client.texts.length - textsBefore;
    await waitUntil(() => answered() >= REPEATS, 8_000).catch(() => undefined);
    await client.roundTrip();

    const answers = client.texts.slice(textsBefore);
    const bytesIn = REPEATS * Buffer.byteLength(frame);
    const bytesOut = answers.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    expect(bytesOut).toBeLessThanOrEqual(bytesIn);
    expect(client.count('pusher_internal:subscription_succeeded')).toBe(1);
    expect(answers.filter((text) => text.includes('"presence"'))).toEqual([]);
    expect(answers).toHaveLength(REPEATS + 1); // and the pong
    expect(client.frames.at(-2)).toEqual({
      event: 'pusher:error',
      data: { code: null, message: `Existing subscription to channel ${CHANNEL}` },
    });
    expect(await server.adapter.channel(APP.id, CHANNEL)).toEqual({
      subscriptionCount: 1,
      userCount: ROSTER,
    });
  });
});
