/**
 * @module bench/lib/servers/control-only
 * Preloaded (`node --expose-gc --import`) into a server we do not write, such as soketi, so the
 * benchmark can ask it to collect garbage before reading its RSS (see ../control.mjs).
 */
import { serveControl } from '../control.mjs';

serveControl({});
