/**
 * @module encryption
 * End-to-end encryption for `private-encrypted-*` channels.
 */
export { DecryptionError, decryptData } from './decrypt';
export { encryptData } from './encrypt';
export { assertMasterKey, MASTER_KEY_BYTES, parseMasterKey } from './master-key';
