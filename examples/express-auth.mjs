/**
 * @module examples/express-auth
 * The server side of a Pusher app on Express, with @pushwire/sdk:
 *   POST /pusher/auth        channel authorization for pusher-js (private-, presence-, encrypted)
 *   POST /pusher/user-auth   user authentication for pusher.signin()
 *   POST /pusher/webhooks    webhook endpoint: verifies the signature over the RAW body
 *   POST /notify             triggers an event (e.g. from a form) to show the round trip
 *
 * Run it next to a server:
 *   npx pushwire serve --webhook-url http://127.0.0.1:3000/pusher/webhooks
 *   node examples/express-auth.mjs          (PUSHER_URL defaults to the dev server's app)
 *
 * Users are identified by an `x-user-id` header here; a real app uses its session instead.
 */
import { Pusher } from '@pushwire/sdk';
import express from 'express';

const PORT = Number(process.env.PORT ?? 3000);
const pusher = Pusher.fromUrl(
  process.env.PUSHER_URL ?? 'http://app-key:app-secret@127.0.0.1:6001/apps/app-id',
);

const app = express();

/** The signed-in user of this request (a stand-in for a session lookup). */
function currentUser(req) {
  const id = req.get('x-user-id');
  return id ? { id, name: `User ${id}` } : undefined;
}

// pusher-js posts socket_id and channel_name form-encoded.
app.post('/pusher/auth', express.urlencoded({ extended: false }), (req, res) => {
  const { socket_id: socketId, channel_name: channel } = req.body ?? {};
  const user = currentUser(req);
  if (channel?.startsWith('presence-') && user === undefined) {
    res.status(403).json({ error: 'sign in to join presence channels' });
    return;
  }
  try {
    const presence = channel?.startsWith('presence-')
      ? { user_id: user.id, user_info: { name: user.name } }
      : undefined;
    res.json(pusher.authorizeChannel(socketId, channel, presence));
  } catch (error) {
    // ValidationError: malformed socket id or channel name.
    res.status(400).json({ error: error.message });
  }
});

app.post('/pusher/user-auth', express.urlencoded({ extended: false }), (req, res) => {
  const user = currentUser(req);
  if (user === undefined) {
    res.status(403).json({ error: 'not signed in' });
    return;
  }
  try {
    res.json(pusher.authenticateUser(req.body?.socket_id, user));
  } catch (error) {
    res.status(400).json({ error: error.message });
  }
});

// Webhooks must be verified over the exact bytes received: use express.raw, not express.json.
app.post('/pusher/webhooks', express.raw({ type: '*/*' }), (req, res) => {
  const webhook = pusher.webhook({ headers: req.headers, body: req.body });
  // maxAgeMs refuses replays: a signature alone stays valid forever (retries last 5 minutes).
  if (!webhook.isValid(undefined, { maxAgeMs: 10 * 60_000 })) {
    res.status(401).send('invalid webhook signature');
    return;
  }
  for (const event of webhook.events) {
    console.log(
      `webhook: ${event.name} ${event.channel}${event.user_id ? ` user ${event.user_id}` : ''}`,
    );
  }
  res.sendStatus(200);
});

app.post('/notify', express.json(), async (req, res) => {
  try {
    const result = await pusher.trigger(
      req.body?.channel ?? 'news',
      'notice',
      req.body?.data ?? {},
    );
    res.json(result);
  } catch (error) {
    res.status(error.status ?? 500).json({ error: error.name, message: error.message });
  }
});

const server = app.listen(PORT, '127.0.0.1', () => {
  console.log(`Auth and webhook endpoints on http://127.0.0.1:${server.address().port}`);
  console.log('  POST /pusher/auth  /pusher/user-auth  /pusher/webhooks  /notify');
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
