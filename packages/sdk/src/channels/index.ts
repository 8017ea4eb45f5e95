/**
 * @module channels
 * Channel names, types and socket ids.
 */
export {
  CHANNEL_NAME_PATTERN,
  type ChannelNameProblem,
  type ChannelNameRules,
  type ChannelType,
  channelType,
  describeValue,
  type InvalidChannelName,
  isCacheChannel,
  type ParsedChannelName,
  parseChannelName,
  SERVER_TO_USER_PREFIX,
  SOCKET_ID_PATTERN,
  serverToUserId,
  validateChannelName,
  validateSocketId,
} from './names';
