/**
 * @module options/resolve-app
 * Validates one app (identity, flags, webhooks, limit overrides, origins) and fills defaults.
 */
import { type AppLimits, LIMIT_ALIASES, LIMIT_NAMES, limitMinimum } from './limits';
import { resolveWebhookTargets } from './resolve-webhook-targets';
import type { AppOptions, ResolvedApp, ResolvedWebhookTarget } from './types';
import {
  readArray,
  readBoolean,
  readInteger,
  readMatching,
  readObject,
  readString,
  rejectUnknownKeys,
} from './validate';

const APP_OPTION_KEYS: readonly (keyof AppOptions)[] = [
  'id',
  'key',
  'secret',
  'name',
  'enabled',
  'enableClientMessages',
  'requireUserAuthentication',
  'subscriptionCountEvents',
  'watchlistEvents',
  'webhooks',
  'webhookBatching',
  'limits',
  'allowedOrigins',
];

/** Characters an app id or key may contain (they appear in URL paths and query strings). */
const APP_IDENTIFIER_PATTERN = /^[A-Za-z0-9_\-.~]+$/;
const APP_IDENTIFIER_PROBLEM = 'may contain only letters, digits and _ - . ~';

/** The former name under which `overrides` gives limit `name`, or `name` itself. */
function aliasOf(overrides: Record<string, unknown>, name: keyof AppLimits): string {
  for (const [alias, target] of Object.entries(LIMIT_ALIASES)) {
    if (target === name && overrides[alias] !== undefined) return alias;
  }
  return name;
}

/** `base` with the overrides in `input` (each an integer at least the limit's minimum). */
export function resolveLimits(input: unknown, base: AppLimits, option: string): AppLimits {
  if (input === undefined) return base;
  const overrides = readObject(input, option);
  rejectUnknownKeys(overrides, [...LIMIT_NAMES, ...Object.keys(LIMIT_ALIASES)], option);
  const limits: Record<string, number> = { ...base };
  for (const name of LIMIT_NAMES) {
    // A limit may be given under a former name; the error then names the key that was written.
    const given = overrides[name] === undefined ? aliasOf(overrides, name) : name;
    limits[name] = readInteger(
      overrides[given],
      `${option}.${given}`,
      base[name],
      limitMinimum(name),
    );
  }
  return Object.freeze(limits as unknown as AppLimits);
}

/**
 * The app at `option` (`apps[0]`, ...): limits start from `baseLimits`, webhooks from the
 * server-wide targets. The secret's value is never put in a message.
 */
export function resolveApp(
  input: unknown,
  option: string,
  baseLimits: AppLimits,
  serverWebhooks: readonly ResolvedWebhookTarget[],
): ResolvedApp {
  const app = readObject(input, option);
  rejectUnknownKeys(app, APP_OPTION_KEYS, option);
  const flag = (name: keyof AppOptions, fallback: boolean) =>
    readBoolean(app[name], `${option}.${name}`, fallback);
  const identifier = (name: 'id' | 'key') =>
    readMatching(app[name], `${option}.${name}`, APP_IDENTIFIER_PATTERN, APP_IDENTIFIER_PROBLEM);

  const id = identifier('id');
  const key = identifier('key');
  const secret = readString(app['secret'], `${option}.secret`);
  const origins =
    app['allowedOrigins'] === undefined
      ? []
      : readArray(app['allowedOrigins'], `${option}.allowedOrigins`).map((origin, index) =>
          readString(origin, `${option}.allowedOrigins[${index}]`),
        );

  return Object.freeze({
    id,
    key,
    secret,
    name: readString(app['name'], `${option}.name`, id),
    enabled: flag('enabled', true),
    // Off unless enabled, as on Pusher (and soketi); the development app enables it explicitly.
    enableClientMessages: flag('enableClientMessages', false),
    requireUserAuthentication: flag('requireUserAuthentication', false),
    subscriptionCountEvents: flag('subscriptionCountEvents', false),
    watchlistEvents: flag('watchlistEvents', false),
    webhooks: Object.freeze([
      ...serverWebhooks,
      ...resolveWebhookTargets(app['webhooks'], `${option}.webhooks`),
    ]),
    webhookBatching: flag('webhookBatching', true),
    limits: resolveLimits(app['limits'], baseLimits, `${option}.limits`),
    allowedOrigins: Object.freeze([...origins]),
  });
}
