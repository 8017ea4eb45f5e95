/**
 * @module bench/lib/servers/pushwire
 * The built @pushwire/server (`npm run build`) with the default app, run by whichever runtime
 * runs this file (Node or Bun: `listen()` picks the transport). Announces its port and answers
 * control requests on stdin (see ../control.mjs). Every connection of a benchmark comes from
 * this machine, so the per-address connection cap is lifted.
 */
import { announce, serveControl } from '../control.mjs';

const { createServer } = await import(
  new URL('../../../packages/server/dist/index.js', import.meta.url).href
);
const server = createServer({ port: 0, logLevel: 'error', relaxed: true, maxConnectionsPerIp: 0 });
const { port } = await server.listen();
serveControl({});
announce({ listening: port });
