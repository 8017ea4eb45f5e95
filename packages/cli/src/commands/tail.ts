/**
 * @module commands/tail
 * `pushwire tail [--channel C] [--event E] [--json]`: the debug console's live log in a terminal.
 * Reads `GET /console/api/apps/{id}/stream` (Server-Sent Events), signed like every REST call
 * (auth_key, auth_timestamp, auth_version, auth_signature), so the secret never leaves the
 * machine. Prints one line per entry (or the entry as JSON with `--json`), reconnects when the
 * stream ends, stops on Ctrl+C. Slow output slows the reading; the server then drops the oldest
 * entries and says how many.
 */
import { once } from 'node:events';
import { signRequest } from '@pushwire/sdk';
import type { CliIo } from '../cli-io';
import { CREDENTIALS_HELP, defineSdkCommand } from '../command';
import type { Credentials } from '../config';

const HELP = `Usage: pushwire tail [--channel NAME] [--event NAME] [options]

Stream the app's live log: connections opened and closed (with close code and reason),
subscriptions and unsubscriptions (and refusals, with why), events from the REST API, client
events and webhooks sent. The server must serve its debug console: the built-in development app
of "pushwire serve" on 127.0.0.1 does; other servers need PUSHWIRE_CONSOLE=true (or
"console": {"enabled": true}). Stop with Ctrl+C.

Options:
  --channel NAME           only entries of this channel (NAME* for a prefix)
  --event NAME             only entries of this event (NAME* for a prefix)

${CREDENTIALS_HELP.replace('  --json                   print the raw JSON result (errors as JSON on stderr)', '  --json                   print each entry as one JSON line')}

Examples:
  pushwire tail
  pushwire tail --channel presence-* --json
  pushwire tail --url https://KEY:SECRET@pushwire.example.com/apps/APP_ID --event order-created`;

/** Wait before reconnecting after the stream ended. */
const RECONNECT_DELAY_MS = 2000;
/** Longest SSE message accepted (the server's entries are far smaller). */
const MAX_MESSAGE_CHARS = 1024 * 1024;

/** The stream was refused (HTTP status and the server's reason). */
class ConsoleStreamError extends Error {
  override readonly name = 'ConsoleStreamError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Nothing answered at the server's address. */
class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

/** The `tail` command. */
export const tailCommand = defineSdkCommand({
  name: 'tail',
  summary: "stream the app's live log (the debug console) to the terminal",
  help: HELP,
  flags: {
    channel: { type: 'string' },
    event: { type: 'string' },
  },
  maxPositionals: 0,
  async run({ flags, credentials, io, json }) {
    const filters: Record<string, string> = {};
    if (flags.channel !== undefined && flags.channel !== '') filters['channel'] = flags.channel;
    if (flags.event !== undefined && flags.event !== '') filters['event'] = flags.event;
    const print = json ? printJson : printHuman;
    let connectedOnce = false;
    for (;;) {
      try {
        await readStream(credentials, filters, io, print, () => {
          // On stderr in both modes: stdout stays one JSON entry per line with --json.
          if (!connectedOnce) {
            io.stderr.write(`Watching ${describeTarget(credentials)} (Ctrl+C to stop)\n`);
          }
          connectedOnce = true;
        });
        io.stderr.write('The stream ended; reconnecting…\n');
      } catch (error) {
        // A refusal, or a server that was never reachable, ends the command; a server that went
        // away after we were connected is waited for.
        if (!connectedOnce || error instanceof ConsoleStreamError) throw error;
        io.stderr.write(`${error instanceof Error ? error.message : String(error)}; retrying…\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
    }
  },
});

/** The server's origin (scheme, host, port). */
function originOf(credentials: Credentials): string {
  const { endpoint } = credentials;
  const scheme = endpoint.useTLS ? 'https' : 'http';
  if (endpoint.kind === 'cluster') return `${scheme}://api-${endpoint.cluster}.pusher.com`;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${scheme}://${host}${endpoint.port === undefined ? '' : `:${endpoint.port}`}`;
}

function describeTarget(credentials: Credentials): string {
  return `app ${credentials.appId} at ${originOf(credentials)}`;
}

/** One connection to the stream, until it ends. */
async function readStream(
  credentials: Credentials,
  filters: Readonly<Record<string, string>>,
  io: CliIo,
  print: (io: CliIo, event: string, data: string) => boolean,
  connected: () => void,
): Promise<void> {
  const path = `/console/api/apps/${encodeURIComponent(credentials.appId)}/stream`;
  const params = signRequest({
    method: 'GET',
    path,
    key: credentials.key,
    secret: credentials.secret,
    timestamp: Math.floor(Date.now() / 1000),
    params: filters,
  });
  const url = `${originOf(credentials)}${path}?${new URLSearchParams(params).toString()}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'text/event-stream' } });
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new ConnectionError(
      `could not reach ${originOf(credentials)}${typeof code === 'string' ? ` (${code})` : ''}`,
      typeof code === 'string' ? code : undefined,
    );
  }
  if (response.status !== 200 || response.body === null) {
    throw new ConsoleStreamError(response.status, await refusalMessage(response));
  }
  connected();
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message = parseMessage(block);
      if (message !== undefined && !print(io, message.event, message.data)) {
        await once(io.stdout, 'drain');
      }
      end = buffer.indexOf('\n\n');
    }
    if (buffer.length > MAX_MESSAGE_CHARS) buffer = '';
  }
}

async function refusalMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  let reason = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') reason = parsed.error;
  } catch {
    // not JSON: keep the text
  }
  if (response.status === 404) {
    return `${reason || 'Not found'} (does this server serve the debug console? "pushwire serve" does for its development app on 127.0.0.1; elsewhere set PUSHWIRE_CONSOLE=true)`;
  }
  return reason || `HTTP ${response.status}`;
}

function parseMessage(block: string): { event: string; data: string } | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  return data.length === 0 ? undefined : { event, data: data.join('\n') };
}

/** `--json`: each entry as one line; drops as `{"dropped":N}`. */
function printJson(io: CliIo, event: string, data: string): boolean {
  if (event !== 'entry' && event !== 'dropped') return true;
  return io.stdout.write(`${data}\n`);
}

const LABELS: Readonly<Record<string, string>> = {
  connection_opened: 'connected',
  connection_closed: 'disconnected',
  subscribed: 'subscribed',
  unsubscribed: 'unsubscribed',
  refused: 'REFUSED',
  api_event: 'api event',
  client_event: 'client event',
  webhook: 'webhook',
};

/** One line per entry: time, what, channel, event, details. */
function printHuman(io: CliIo, event: string, data: string): boolean {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return true;
  }
  if (event === 'dropped') {
    io.stderr.write(`… ${String(entry['dropped'])} entries dropped (output too slow)\n`);
    return true;
  }
  if (event !== 'entry') return true;
  const time = new Date(Number(entry['time'])).toISOString().slice(11, 23);
  const kind = String(entry['kind']);
  const fields: string[] = [time, (LABELS[kind] ?? kind).padEnd(12)];
  if (entry['channel'] !== undefined) fields.push(String(entry['channel']));
  if (entry['event'] !== undefined) fields.push(String(entry['event']));
  const details: string[] = [];
  const add = (label: string, name: string, suffix = '') => {
    const value = entry[name];
    if (value !== undefined && value !== '') details.push(`${label}${String(value)}${suffix}`);
  };
  add('socket=', 'socketId');
  add('user=', 'userId');
  add('code=', 'code');
  add('', 'refusal');
  add('', 'reason');
  add('→ ', 'target');
  add('', 'latencyMs', ' ms');
  add('attempt=', 'attempt');
  add('from=', 'remoteAddress');
  add('data=', 'data');
  add('node=', 'node');
  if (details.length > 0) fields.push(details.join(' '));
  return io.stdout.write(`${fields.join('  ')}\n`);
}
