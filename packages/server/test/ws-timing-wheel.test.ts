/** The timing wheel that holds every connection deadline of a node, and the URL-free handshake reader. */
import { afterEach, describe, expect, it } from 'vitest';
import { monotonicMs, NOT_SCHEDULED, TimingWheel, type WheelEntry } from '../src/core/timing-wheel';
import { readHandshake } from '../src/ws/handshake';

const wheels: TimingWheel<WheelEntry>[] = [];
afterEach(() => {
  for (const wheel of wheels.splice(0)) wheel.stop();
});

function wheelOf(tickMs: number): TimingWheel<WheelEntry> {
  const wheel = new TimingWheel<WheelEntry>(tickMs);
  wheels.push(wheel);
  return wheel;
}

function recorder(): WheelEntry & { calls: number[] } {
  const calls: number[] = [];
  return { calls, onDue: (nowMs) => calls.push(nowMs) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timing wheel', () => {
  it('hands an entry out once, at or after its deadline', async () => {
    const wheel = wheelOf(5);
    const entry = recorder();
    const due = monotonicMs() + 30;
    wheel.schedule(entry, due, NOT_SCHEDULED);
    expect(wheel.size).toBe(1);
    await sleep(80);
    expect(entry.calls).toHaveLength(1);
    expect(entry.calls[0]).toBeGreaterThanOrEqual(due);
    expect(wheel.size).toBe(0);
  });

  it('moves an entry to its new deadline and cancels it in O(1)', async () => {
    const wheel = wheelOf(5);
    const moved = recorder();
    const cancelled = recorder();
    let slot = wheel.schedule(moved, monotonicMs() + 10, NOT_SCHEDULED);
    slot = wheel.schedule(moved, monotonicMs() + 60_000, slot);
    const other = wheel.schedule(cancelled, monotonicMs() + 10, NOT_SCHEDULED);
    expect(wheel.cancel(cancelled, other)).toBe(NOT_SCHEDULED);
    expect(wheel.size).toBe(1);
    await sleep(60);
    expect(moved.calls).toEqual([]);
    expect(cancelled.calls).toEqual([]);
    wheel.cancel(moved, slot);
    expect(wheel.size).toBe(0);
  });

  it('keeps ticking when its only entry is moved', async () => {
    const wheel = wheelOf(5);
    const entry = recorder();
    let slot = wheel.schedule(entry, monotonicMs() + 60_000, NOT_SCHEDULED);
    slot = wheel.schedule(entry, monotonicMs() + 20, slot);
    await sleep(80);
    expect(entry.calls).toHaveLength(1);
  });

  it('lets an entry schedule itself again from its onDue', async () => {
    const wheel = wheelOf(5);
    let slot = NOT_SCHEDULED;
    let calls = 0;
    const entry: WheelEntry = {
      onDue: (nowMs) => {
        calls += 1;
        slot = calls < 3 ? wheel.schedule(entry, nowMs + 10, NOT_SCHEDULED) : NOT_SCHEDULED;
      },
    };
    slot = wheel.schedule(entry, monotonicMs() + 10, slot);
    await sleep(150);
    expect(calls).toBe(3);
    expect(wheel.size).toBe(0);
  });

  it('hands out a deadline already in the past on the next tick', async () => {
    const wheel = wheelOf(5);
    const entry = recorder();
    wheel.schedule(entry, monotonicMs() - 1_000, NOT_SCHEDULED);
    await sleep(40);
    expect(entry.calls).toHaveLength(1);
  });
});

describe('readHandshake (no URL object)', () => {
  const cases: [string, string, { key: string; protocol: string | undefined } | undefined][] = [
    ['/app/app-key?protocol=7&client=js&version=8.4.0', '', { key: 'app-key', protocol: '7' }],
    ['/app/app-key', '', { key: 'app-key', protocol: undefined }],
    ['/app/app-key/?client=js', '', { key: 'app-key', protocol: undefined }],
    ['/app/app%2Dkey?protocol=%37', '', { key: 'app-key', protocol: '7' }],
    ['/app/app-key?client=js&protocol=6#frag', '', { key: 'app-key', protocol: '6' }],
    ['/app/app-key?protocol', '', { key: 'app-key', protocol: '' }],
    ['/app/app-key?protocol=%zz', '', { key: 'app-key', protocol: '%zz' }],
    ['http://127.0.0.1:6001/app/k?protocol=7', '', { key: 'k', protocol: '7' }],
    ['ws://example.com?protocol=7', '', undefined],
    ['/ws/app/k?protocol=7', '/ws', { key: 'k', protocol: '7' }],
    ['/app/k/extra', '', undefined],
    ['/app/%E0%A4%A', '', undefined],
    ['/other', '', undefined],
  ];
  for (const [url, prefix, expected] of cases) {
    it(`${url} (prefix "${prefix}")`, () => {
      const read = readHandshake(url, 'https://a.example', prefix);
      expect(read).toEqual(
        expected === undefined ? undefined : { ...expected, origin: 'https://a.example' },
      );
    });
  }
});
