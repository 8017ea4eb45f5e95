/**
 * @module auth
 * Channel authorization and user authentication.
 */
export { authenticateUser } from './authenticate-user';
export { authorizeChannel } from './authorize-channel';
export { presenceChannelData } from './presence-data';
export type {
  AuthContext,
  ChannelAuthResponse,
  PresenceData,
  UserAuthResponse,
  UserData,
} from './types';
