/**
 * @module test/helpers/trigger-status
 * The HTTP status of a trigger signed as an app on a `pushwire serve` child: 200 while it serves
 * the app with that secret, 401 or 404 once it does not (for polling a node that follows a change).
 */
import { pushwireSdk, type RestApp } from '@pushwire/test-support';

/** The HTTP status of a trigger signed with `app`'s credentials on `port` (no retries). */
export async function triggerStatus(port: number, app: RestApp): Promise<number> {
  try {
    await pushwireSdk(port, app, { retry: false }).trigger('news', 'e', {});
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}
