/**
 * @module auth/presence-data
 * Checks the member data of a presence channel authorization and turns it into the exact
 * `channel_data` JSON string that is both signed and returned to the client.
 */
import { describeValue } from '../channels/names';
import { ValidationError } from '../errors';
import { DEFAULT_LIMITS, validateUserInfoSize } from '../limits';
import type { PresenceData } from './types';

const FIELD = 'presenceData';

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError(FIELD, 'Presence data string is not valid JSON');
  }
}

function stringify(data: unknown): string {
  try {
    const text = JSON.stringify(data);
    if (text !== undefined) return text;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(FIELD, `Presence data is not JSON-serializable: ${reason}`);
  }
  throw new ValidationError(FIELD, 'Presence data is not JSON-serializable');
}

function validateUserId(userId: unknown, maxUserIdLength: number): void {
  const isValidNumber = typeof userId === 'number' && Number.isFinite(userId);
  if (!isValidNumber && (typeof userId !== 'string' || userId.length === 0)) {
    throw new ValidationError(
      `${FIELD}.user_id`,
      `Presence data needs a non-empty string or finite number user_id, got ${describeValue(userId)}`,
    );
  }
  const length = String(userId).length;
  if (length > maxUserIdLength) {
    throw new ValidationError(
      `${FIELD}.user_id`,
      `Presence user_id is ${length} characters long; the limit is ${maxUserIdLength}`,
      maxUserIdLength,
    );
  }
}

/**
 * The `channel_data` string for `presenceData`: an object is serialized with JSON.stringify, a
 * string is taken as already-serialized JSON and returned unchanged after it has been checked.
 * The `user_info` must fit in `maxUserInfoBytes` UTF-8 bytes of JSON (the server's
 * `maxPresenceUserInfoBytes`, 1 KB by default), or the server would refuse the subscription.
 */
export function presenceChannelData(
  presenceData: PresenceData | string | undefined,
  maxUserIdLength: number,
  maxUserInfoBytes: number = DEFAULT_LIMITS.maxPresenceUserInfoBytes,
): string {
  if (presenceData === undefined || presenceData === null) {
    throw new ValidationError(
      FIELD,
      'Presence channels need presence data: { user_id, user_info? } identifying the member',
    );
  }
  const isText = typeof presenceData === 'string';
  const value: unknown = isText ? parseJsonText(presenceData) : presenceData;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(FIELD, 'Presence data must be an object: { user_id, user_info? }');
  }
  const record = value as Record<string, unknown>;
  validateUserId(record['user_id'], maxUserIdLength);
  validateUserInfoSize(record['user_info'], maxUserInfoBytes, `${FIELD}.user_info`);
  return isText ? presenceData : stringify(value);
}
