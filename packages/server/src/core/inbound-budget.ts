/**
 * @module core/inbound-budget
 * Per-connection inbound frame budget: two token buckets (frames and bytes per second, each with a
 * burst) checked for every WebSocket message before it is parsed. A connection that spends its
 * burst faster than the refill is over budget; the gateway then closes it with 4100. The burst is
 * generous so that a reconnecting client resubscribing to hundreds of channels at once stays within it.
 */

/** Rates and bursts of one connection's budget. A rate of `0` disables that bucket. */
export interface InboundBudgetLimits {
  readonly framesPerSecond: number;
  readonly frameBurst: number;
  readonly bytesPerSecond: number;
  readonly byteBurst: number;
}

/** Inbound budget settings of the server (see `inbound*` in ServerOptions). */
export interface InboundBudgetOptions {
  readonly inboundFramesPerSecond: number;
  readonly inboundFrameBurst: number;
  readonly inboundBytesPerSecond: number;
  readonly inboundByteBurst: number;
}

/** What the app's own limits require of the budget. */
export interface InboundBudgetAppLimits {
  readonly clientEventsPerSecond: number;
  readonly maxFrameBytes: number;
  readonly maxSubscriptionsPerConnection: number;
}

/** Frames a reconnecting client sends besides its subscribes (sign-in, pings, a few events). */
const RECONNECT_FRAME_HEADROOM = 100;

/**
 * The budget of a connection to an app: the server's settings, raised where the app's limits need
 * more (client events at twice their rate limit, two full-size frames of burst, and a frame burst
 * that lets a client at the subscription cap resubscribe to all its channels at once on reconnect).
 */
export function inboundBudgetFor(
  options: InboundBudgetOptions,
  limits: InboundBudgetAppLimits,
): InboundBudgetLimits {
  const framesPerSecond = options.inboundFramesPerSecond;
  return {
    framesPerSecond:
      framesPerSecond === 0 ? 0 : Math.max(framesPerSecond, 2 * limits.clientEventsPerSecond),
    frameBurst: Math.max(
      options.inboundFrameBurst,
      limits.maxSubscriptionsPerConnection + RECONNECT_FRAME_HEADROOM,
    ),
    bytesPerSecond: options.inboundBytesPerSecond,
    byteBurst: Math.max(options.inboundByteBurst, 2 * limits.maxFrameBytes),
  };
}

/** The tokens left in one connection's buckets (kept on the connection itself: no extra object). */
export interface InboundTokens {
  /** Frames that may still arrive before the next refill. */
  frames: number;
  /** Bytes that may still arrive before the next refill. */
  bytes: number;
  /** When the buckets were last refilled (monotonic milliseconds). */
  refilledAtMs: number;
}

/** Fresh tokens: both buckets full at `nowMs`. */
export function fullTokens(limits: InboundBudgetLimits, nowMs: number): InboundTokens {
  return { frames: limits.frameBurst, bytes: limits.byteBurst, refilledAtMs: nowMs };
}

/**
 * Refills `tokens` for the time since their last refill, then spends one frame of `bytes`.
 * @returns false (nothing spent) when either bucket cannot pay for it.
 */
export function spendInbound(
  tokens: InboundTokens,
  limits: InboundBudgetLimits,
  bytes: number,
  nowMs: number,
): boolean {
  const { framesPerSecond, frameBurst, bytesPerSecond, byteBurst } = limits;
  const elapsedSec = Math.max(0, nowMs - tokens.refilledAtMs) / 1000;
  tokens.refilledAtMs = nowMs;
  if (framesPerSecond > 0) {
    tokens.frames = Math.min(frameBurst, tokens.frames + elapsedSec * framesPerSecond);
    if (tokens.frames < 1) return false;
  }
  if (bytesPerSecond > 0) {
    tokens.bytes = Math.min(byteBurst, tokens.bytes + elapsedSec * bytesPerSecond);
    if (tokens.bytes < bytes) return false;
  }
  if (framesPerSecond > 0) tokens.frames -= 1;
  if (bytesPerSecond > 0) tokens.bytes -= bytes;
  return true;
}
