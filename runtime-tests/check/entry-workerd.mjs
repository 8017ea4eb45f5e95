/**
 * @module runtime-tests/check/entry-workerd
 * Cloudflare Workers entry: bundled by esbuild into one ES module and served by the real `workerd`
 * at its own (newest) compatibility date, where Node compatibility is on. A request
 * `GET /?endpoint=URL&runtime=NAME` runs the shared checks and answers their result as JSON, plus
 * one check that the SDK chose `fetch` there (a `node:net` socket cannot be kept alive across
 * requests in Workers).
 */
import * as sdk from '@pushwire/sdk';
import { runChecks } from './checks.mjs';

async function usesFetch(endpoint) {
  const url = new URL(endpoint);
  const lines = [];
  const pusher = new sdk.Pusher({
    appId: '42',
    key: 'runtime-key',
    secret: 'runtime-secret',
    host: url.hostname,
    port: Number(url.port),
    useTLS: false,
    logger: { debug: (line) => lines.push(line) },
  });
  try {
    await pusher.trigger('runtime-checks', 'transport', {});
  } finally {
    pusher.close();
  }
  if (!lines.some((line) => line.endsWith(', fetch)'))) {
    throw new Error(`expected the fetch transport, debug log: ${JSON.stringify(lines)}`);
  }
}

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const env = { endpoint: params.get('endpoint'), runtime: params.get('runtime') };
    const result = await runChecks(sdk, env);
    try {
      await usesFetch(env.endpoint);
      result.checks.push({ name: 'fetch-transport', ok: true });
    } catch (error) {
      result.checks.push({ name: 'fetch-transport', ok: false, error: String(error) });
      result.ok = false;
    }
    return Response.json(result);
  },
};
