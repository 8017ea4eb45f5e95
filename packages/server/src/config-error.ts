/**
 * @module config-error
 * `ServerConfigError`: an invalid option, named by its path; never echoes a secret.
 */

import { PushwireServerError } from './server-error';

/** A configuration value is missing or invalid. `option` is its path, e.g. `apps[0].secret`. */
export class ServerConfigError extends PushwireServerError {
  override readonly name = 'ServerConfigError';
  readonly code = 'PUSHWIRE_ERR_SERVER_CONFIG';
  /** Path of the offending option (`port`, `apps[1].limits.maxEventDataBytes`, ...). */
  readonly option: string;
  /** The problem alone, without the option name or source. */
  readonly problem: string;

  /**
   * @param option path of the bad option
   * @param problem what is wrong (never containing a secret value)
   * @param source where the option came from (a config file path, the environment), if known
   */
  constructor(option: string, problem: string, source?: string) {
    super(`Invalid server option "${option}"${source ? ` in ${source}` : ''}: ${problem}`);
    this.option = option;
    this.problem = problem;
  }
}
