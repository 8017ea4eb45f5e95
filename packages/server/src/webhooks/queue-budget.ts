/**
 * @module webhooks/queue-budget
 * The byte budget of the webhook backlog, shared by all apps without letting one starve another:
 * each app may always queue up to its guaranteed share (`min(perApp, total / appCount)`), and may
 * borrow free room beyond it (up to `perApp`) only while the unused guarantees of the other apps
 * stay available. The total never exceeds `totalBytes`. Every operation is O(1).
 */

/** Why {@link QueueBudget.tryReserve} refused. */
export type BudgetRefusal = 'app_bytes_full' | 'total_bytes_full';

/** Caps of a {@link QueueBudget}. */
export interface QueueBudgetOptions {
  /** Bytes queued by all apps together. */
  readonly totalBytes: number;
  /** Bytes queued by one app. */
  readonly perAppBytes: number;
  /** Apps that share the total and get a guaranteed share each (at least 1). */
  readonly appCount: number;
}

/** Queued bytes per app and in total, with guaranteed shares. */
export class QueueBudget {
  readonly #totalBytes: number;
  readonly #perAppBytes: number;
  readonly #guaranteeBytes: number;
  #guaranteesLeft: number;
  readonly #guaranteed = new Set<string>();
  readonly #usedByApp = new Map<string, number>();
  #totalUsed = 0;
  /** Sum over apps of the guarantee they do not use yet (apps not seen yet count in full). */
  #unusedGuarantees: number;

  constructor(options: QueueBudgetOptions) {
    const appCount = Math.max(1, Math.floor(options.appCount));
    this.#totalBytes = options.totalBytes;
    this.#perAppBytes = Math.min(options.perAppBytes, options.totalBytes);
    this.#guaranteeBytes = Math.min(this.#perAppBytes, Math.floor(options.totalBytes / appCount));
    this.#guaranteesLeft = appCount;
    this.#unusedGuarantees = appCount * this.#guaranteeBytes;
  }

  /** Bytes queued by every app. */
  get totalUsed(): number {
    return this.#totalUsed;
  }

  /** The share an app can always use, whatever the other apps do. */
  get guaranteeBytes(): number {
    return this.#guaranteeBytes;
  }

  /** Bytes queued by `appId`. */
  usedBy(appId: string): number {
    return this.#usedByApp.get(appId) ?? 0;
  }

  /** Reserves `bytes` for `appId`, or says which cap refused them (nothing is reserved then). */
  tryReserve(appId: string, bytes: number): BudgetRefusal | undefined {
    const guarantee = this.#guaranteeOf(appId);
    const used = this.usedBy(appId);
    const after = used + bytes;
    if (after > this.#perAppBytes) return 'app_bytes_full';
    const unusedBefore = Math.max(0, guarantee - used);
    if (after > guarantee) {
      const othersUnused = this.#unusedGuarantees - unusedBefore;
      if (this.#totalUsed + bytes + othersUnused > this.#totalBytes) return 'total_bytes_full';
    }
    this.#unusedGuarantees += Math.max(0, guarantee - after) - unusedBefore;
    this.#totalUsed += bytes;
    this.#usedByApp.set(appId, after);
    return undefined;
  }

  /** Gives back `bytes` reserved by `appId`. */
  release(appId: string, bytes: number): void {
    const used = this.usedBy(appId);
    const after = Math.max(0, used - bytes);
    const guarantee = this.#guaranteeOf(appId);
    this.#unusedGuarantees += Math.max(0, guarantee - after) - Math.max(0, guarantee - used);
    this.#totalUsed -= used - after;
    this.#usedByApp.set(appId, after);
  }

  /** The guarantee of `appId`: the first `appCount` apps seen get one, later ones borrow only. */
  #guaranteeOf(appId: string): number {
    if (this.#guaranteed.has(appId)) return this.#guaranteeBytes;
    if (this.#guaranteesLeft === 0) return 0;
    this.#guaranteesLeft--;
    this.#guaranteed.add(appId);
    return this.#guaranteeBytes;
  }
}
