// The server's wire tests run a second time under Bun, where `listen()` serves with Bun.serve's
// native WebSockets (packages/server/src/transports/bun). This file is the one place that says
// what that run covers and which tests it leaves out, each with the reason; `scripts/test.mjs`
// runs it and adds its counts to the totals.

/** Vitest projects run under Bun: every server test (conformance, Redis cluster, webhooks, ...) and the attacks. */
export const BUN_PROJECTS = ['server', 'server-mocks', 'attacks'];

/**
 * Tests left out of the Bun run, by full name (describe + test), because what they check is a
 * property of node:http that Bun.serve does not have. Nothing else is skipped.
 */
export const BUN_EXCLUDED_TESTS = [
  {
    name: 'attack: connection floods from one IP with the defaults, one IP cannot hold more than maxConnectionsPerIp sockets',
    reason:
      'counts idle TCP sockets that never send a request: Bun.serve has no hook for an accepted socket, so the Bun transport counts WebSockets and HTTP requests in flight per IP, and closes idle sockets after requestTimeoutMs',
  },
  {
    name: 'attack: connection floods from one IP counts slow HTTP sockets and WebSockets together per IP and frees a slot on close',
    reason: 'same: the idle sockets it opens are not counted on Bun until they send a request',
  },
];

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A vitest `-t` pattern that matches every test but the excluded ones. */
export function bunTestNamePattern() {
  const names = BUN_EXCLUDED_TESTS.map((test) => escapeRegExp(test.name)).join('|');
  return `^(?!(?:${names})$).*$`;
}
