/**
 * @module bin
 * The `pushwire` executable: runs {@link main} with the process's arguments and streams, then
 * exits with its code (without waiting for idle keep-alive sockets). Long-running commands
 * (`serve`) resolve only once they have shut down.
 */
import { main } from './main';

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
}).then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`pushwire: unexpected failure: ${String(error)}\n`);
    process.exit(1);
  },
);
