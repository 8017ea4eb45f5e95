/**
 * @module signing
 * REST request signing and auth strings.
 */
export {
  type ChannelAuthInput,
  channelAuthSignature,
  sharedSecretBytes,
  sharedSecretFor,
  type UserAuthInput,
  userAuthSignature,
} from './auth';
export {
  AUTH_VERSION,
  canonicalQuery,
  RESERVED_QUERY_KEYS,
  type SignRequestInput,
  signRequest,
  stringToSign,
} from './rest';
