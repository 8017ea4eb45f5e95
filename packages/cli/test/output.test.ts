/**
 * @module test/output
 * Error reports (class name, status, message, secrets scrubbed) and the serve banner (dev app
 * credentials shown, configured secrets never).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli-io';
import { cliInvocation, connectHost, formatBanner } from '../src/commands/serve-banner';
import { describeError, printError, printResult } from '../src/output';

function captureIo(): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        append(String(chunk));
        callback();
      },
    });
  return {
    io: {
      stdout: sink((text) => {
        out += text;
      }),
      stderr: sink((text) => {
        err += text;
      }),
      stdin: process.stdin,
      env: {},
    },
    stdout: () => out,
    stderr: () => err,
  };
}

class FakeApiError extends Error {
  override readonly name = 'AuthenticationError';
  readonly status = 401;
}

describe('output', () => {
  it('reports the class name, the status and the message, with secrets scrubbed', () => {
    const error = new FakeApiError('signature made with s3cr3t-value did not match');
    expect(describeError(error, ['s3cr3t-value'])).toEqual({
      name: 'AuthenticationError',
      status: 401,
      message: 'signature made with [redacted] did not match',
    });
    const capture = captureIo();
    printError(capture.io, { json: false }, error, ['s3cr3t-value']);
    expect(capture.stderr()).toBe(
      'pushwire: AuthenticationError (401): signature made with [redacted] did not match\n',
    );
    const json = captureIo();
    printError(json.io, { json: true }, new TypeError('boom'));
    expect(JSON.parse(json.stderr())).toEqual({ error: { name: 'TypeError', message: 'boom' } });
  });

  it('prints JSON with --json and the human text otherwise', () => {
    const human = captureIo();
    printResult(human.io, { json: false }, { a: 1 }, () => 'one line');
    expect(human.stdout()).toBe('one line\n');
    const json = captureIo();
    printResult(json.io, { json: true }, { a: 1 }, () => 'unused');
    expect(JSON.parse(json.stdout())).toEqual({ a: 1 });
  });
});

describe('serve banner', () => {
  const defaultApp = {
    id: 'app-id',
    key: 'app-key',
    secret: 'app-secret',
    enableClientMessages: true,
  };
  const address = { host: '0.0.0.0', port: 7000, url: 'http://0.0.0.0:7000' };

  it('shows the dev app credentials and loopback snippets for a wildcard bind', () => {
    const banner = formatBanner({
      address,
      apps: [],
      defaultApp,
      usesDefaultApp: true,
      redis: false,
      cliInvocation: 'npx pushwire',
    });
    expect(banner).toContain('Listening on every interface');
    expect(banner).toContain('secret: app-secret');
    expect(banner).toContain("wsHost: '127.0.0.1', wsPort: 7000");
    expect(banner).toContain('PUSHER_URL=http://app-key:app-secret@127.0.0.1:7000/apps/app-id');
  });

  it('never shows a configured secret', () => {
    const banner = formatBanner({
      address,
      apps: [{ id: '1', key: 'k1', secret: 'hidden-1' }],
      defaultApp,
      usesDefaultApp: false,
      redis: true,
      cliInvocation: 'npx pushwire',
    });
    expect(banner).not.toContain('hidden-1');
    expect(banner).toContain('PUSHER_URL=http://k1:APP_SECRET@127.0.0.1:7000/apps/1');
    expect(banner).toContain('(Redis adapter)');
  });

  it('says whether each app allows client events (dev app on, configured apps off by default)', () => {
    const dev = formatBanner({
      address,
      apps: [],
      defaultApp,
      usesDefaultApp: true,
      redis: false,
      cliInvocation: 'npx pushwire',
    });
    expect(dev).toContain(
      '  client events: on (configured apps: off unless they set enableClientMessages: true)',
    );
    const configured = formatBanner({
      address,
      apps: [
        { id: '1', key: 'k1', secret: 's1' },
        { id: '2', key: 'k2', secret: 's2', enableClientMessages: true },
        { id: '3', key: 'k3', secret: 's3', enableClientMessages: false },
      ],
      defaultApp,
      usesDefaultApp: false,
      redis: false,
      cliInvocation: 'npx pushwire',
    });
    expect(configured).toContain('app id: 1   key: k1   client events: off');
    expect(configured).toContain('app id: 2   key: k2   client events: on');
    expect(configured).toContain('app id: 3   key: k3   client events: off');
    // The development credentials configured as an app follow the configured default (off).
    const devCredentials = formatBanner({
      address,
      apps: [{ id: 'app-id', key: 'app-key', secret: 'app-secret' }],
      defaultApp,
      usesDefaultApp: true,
      redis: false,
      cliInvocation: 'npx pushwire',
    });
    expect(devCredentials).toContain('  client events: off (configured apps');
  });

  it('names the right way to run the CLI again', () => {
    // From the repository's root (`npm start`), where `npm install` linked the command.
    expect(cliInvocation('/repo/packages/cli/bin/pushwire.js', '/repo')).toBe('npx pushwire');
    expect(cliInvocation('/repo/packages/cli/dist/bin.js', '/repo')).toBe('npx pushwire');
    // From elsewhere, the script itself.
    expect(cliInvocation('/repo/packages/cli/bin/pushwire.js', '/tmp')).toBe(
      'node /repo/packages/cli/bin/pushwire.js',
    );
    expect(cliInvocation('/tmp/cli/dist/bin.js', '/tmp')).toBe('node cli/dist/bin.js');
    expect(cliInvocation('/app/node_modules/pushwire/dist/bin.js', '/app')).toBe('npx pushwire');
    expect(cliInvocation('/usr/local/bin/pushwire', '/app')).toBe('npx pushwire');
    expect(connectHost('::')).toBe('127.0.0.1');
    expect(connectHost('10.0.0.5')).toBe('10.0.0.5');
  });
});
