/** Every error the server throws shares one base class; lifecycle misuse has its own type. */
import { describe, expect, it } from 'vitest';
import { HttpStatusError, RequestAbortedError } from '../src/http/http-status-error';
import {
  AdapterUsageError,
  createServer,
  PushwireServerError,
  ServerConfigError,
  ServerStateError,
} from '../src/index';
import { ProtocolError } from '../src/protocol/protocol-error';
import { CaptureTimeoutError, TestServerError } from '../src/testing/errors';

describe('server errors', () => {
  it('listen() on a closed or listening server throws ServerStateError', async () => {
    const server = createServer({ port: 0, logLevel: 'silent' });
    await server.listen();
    const error = await server.listen().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerStateError);
    expect(error).toBeInstanceOf(PushwireServerError);
    expect(error).toMatchObject({ code: 'PUSHWIRE_ERR_SERVER_STATE' });
    await server.close();
    await expect(server.listen()).rejects.toBeInstanceOf(ServerStateError);
  });

  it('configuration, protocol, HTTP, adapter and testing errors are PushwireServerErrors', () => {
    const config = (() => {
      try {
        createServer({ port: -1, logLevel: 'silent' });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(config).toBeInstanceOf(ServerConfigError);
    for (const error of [
      config,
      new ProtocolError('invalid_channel', 'x', null),
      new HttpStatusError(400, 'x'),
      new RequestAbortedError('x'),
      new AdapterUsageError('x'),
      new TestServerError('x'),
    ]) {
      expect(error).toBeInstanceOf(PushwireServerError);
      expect(error).toBeInstanceOf(Error);
    }
    expect(CaptureTimeoutError.prototype).toBeInstanceOf(PushwireServerError);
  });
});
