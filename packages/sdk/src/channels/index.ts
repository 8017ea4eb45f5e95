/**
 * @module channels
 * Channel names, types and socket ids.
 */
export {
  CHANNEL_NAME_PATTERN,
  type ChannelType,
  channelType,
  describeValue,
  isCacheChannel,
  SERVER_TO_USER_PREFIX,
  SOCKET_ID_PATTERN,
  validateChannelName,
  validateSocketId,
} from './names';
