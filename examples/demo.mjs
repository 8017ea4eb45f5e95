/**
 * @module examples/demo
 * A full round trip on one machine, over the built packages (`npm run demo`):
 * start @pushwire/server on a free port, connect two pusher-js clients, subscribe to a public, a
 * private and a presence channel (authorized by @pushwire/sdk in a customHandler, as an app's auth
 * endpoint would), trigger events with the SDK and print what arrives. Exits 0 when everything
 * arrived, 1 when something did not within 10 seconds.
 */
import { Pusher } from '@pushwire/sdk';
import { createServer } from '@pushwire/server';
import PusherJs from 'pusher-js';

const STEP_TIMEOUT_MS = 10_000;
const APP = { appId: 'app-id', key: 'app-key', secret: 'app-secret' };

const step = (text) => console.log(`\n> ${text}`);
const show = (text) => console.log(`  ${text}`);

/** Resolve through `register`, or fail with a message naming what never happened. */
function within(what, register) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`nothing arrived within ${STEP_TIMEOUT_MS / 1000} s: ${what}`)),
      STEP_TIMEOUT_MS,
    );
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    }, reject);
  });
}

function connect(port, sdk, user) {
  const client = new PusherJs(APP.key, {
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    cluster: 'mt1',
    disableStats: true,
    channelAuthorization: {
      transport: 'ajax',
      endpoint: '/pusher/auth',
      // What an auth endpoint does: sign the subscription with the app secret, server side.
      customHandler: ({ socketId, channelName }, callback) => {
        const presence = channelName.startsWith('presence-')
          ? { user_id: user.id, user_info: { name: user.name } }
          : undefined;
        try {
          callback(null, sdk.authorizeChannel(socketId, channelName, presence));
        } catch (error) {
          callback(error, null);
        }
      },
    },
  });
  return within(`${user.name} connecting`, (resolve, reject) => {
    client.connection.bind('connected', () => resolve(client));
    client.connection.bind('failed', () => reject(new Error('connection failed')));
  });
}

function subscribe(client, name) {
  const channel = client.subscribe(name);
  return within(`subscription to ${name}`, (resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve(channel));
    channel.bind('pusher:subscription_error', (error) =>
      reject(new Error(`subscription to ${name} refused: ${JSON.stringify(error)}`)),
    );
  });
}

function next(channel, event, who) {
  return within(`"${event}" on ${channel.name} for ${who}`, (resolve) =>
    channel.bind(event, (data) => resolve(data)),
  );
}

async function main() {
  step('Starting @pushwire/server on a free port (dev app: app-id / app-key / app-secret)');
  const server = createServer({ port: 0, logLevel: 'warn' });
  const { port, url } = await server.listen();
  show(`listening on ${url}`);

  const sdk = new Pusher({ ...APP, host: '127.0.0.1', port, useTLS: false });
  const clients = [];
  try {
    step('Connecting two pusher-js clients (Ada and Bob)');
    const ada = await connect(port, sdk, { id: '1', name: 'Ada' });
    const bob = await connect(port, sdk, { id: '2', name: 'Bob' });
    clients.push(ada, bob);
    show(`Ada socket_id ${ada.connection.socket_id}, Bob socket_id ${bob.connection.socket_id}`);

    step('Public channel: Ada subscribes to "news", the SDK triggers "headline"');
    const news = await subscribe(ada, 'news');
    const headline = next(news, 'headline', 'Ada');
    await sdk.trigger('news', 'headline', { title: 'pushwire works' });
    show(`Ada received: ${JSON.stringify(await headline)}`);

    step('Private channel: Bob subscribes to "private-bob" (signed by the SDK)');
    const inbox = await subscribe(bob, 'private-bob');
    const note = next(inbox, 'note', 'Bob');
    await sdk.trigger('private-bob', 'note', { text: 'only for Bob' });
    show(`Bob received: ${JSON.stringify(await note)}`);

    step('Presence channel: Ada then Bob join "presence-lobby"');
    const adaLobby = await subscribe(ada, 'presence-lobby');
    const joined = next(adaLobby, 'pusher:member_added', 'Ada');
    const bobLobby = await subscribe(bob, 'presence-lobby');
    const member = await joined;
    show(`Ada saw member_added: ${JSON.stringify(member)}`);
    show(`Bob sees ${bobLobby.members.count} members`);
    const users = await sdk.channelUsers('presence-lobby');
    show(`REST users of presence-lobby: ${JSON.stringify(users)}`);

    step('The SDK triggers "wave" on presence-lobby, excluding Ada by socket_id');
    const adaSaw = [];
    adaLobby.bind('wave', (data) => adaSaw.push(data));
    const bobWave = next(bobLobby, 'wave', 'Bob');
    await sdk.trigger(
      'presence-lobby',
      'wave',
      { from: 'server' },
      { socketId: ada.connection.socket_id },
    );
    show(`Bob received: ${JSON.stringify(await bobWave)}`);
    // A second wave to everyone: once Ada has it, the first one would have arrived before it.
    const adaSecond = next(adaLobby, 'wave', 'Ada');
    await sdk.trigger('presence-lobby', 'wave', { from: 'server', round: 2 });
    await adaSecond;
    if (adaSaw.length !== 1) throw new Error('Ada received the wave she was excluded from');
    show(
      `Ada received only the second wave: ${JSON.stringify(adaSaw[0])} (excluded from the first)`,
    );

    const channels = await sdk.channels();
    step(
      `Occupied channels: ${Object.keys(channels.channels ?? {})
        .sort()
        .join(', ')}`,
    );
    console.log('\nRound trip complete.');
  } finally {
    for (const client of clients) client.disconnect();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
