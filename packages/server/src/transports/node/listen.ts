/**
 * @module transports/node/listen
 * Binds a `node:http` server to `host:port` and reports the address it got (the main server and
 * the separate metrics listener both bind this way).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BoundAddress } from '../server-transport';

/** Listens on `host:port`; rejects with the bind error (e.g. EADDRINUSE). */
export async function listenOn(server: Server, host: string, port: number): Promise<BoundAddress> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return { host: bound.address, port: bound.port, ipv6: bound.family === 'IPv6' };
}
