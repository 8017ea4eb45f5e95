/**
 * @module scripts/config-reference/collect
 * The rows of the generated configuration reference, each from the place the code itself uses:
 * keys, types and descriptions from the option interfaces (their JSDoc, read with the TypeScript
 * compiler), defaults from `resolveServerOptions()` and the limit tables, environment variables
 * from the server's `ENV_VARIABLES`, flags from the CLI's `SERVE_FLAG_OPTIONS`.
 *
 * A new option gets its row by itself once it is declared with JSDoc (and `@default`) in an option
 * interface; its variable appears when `ENV_VARIABLES` (apps/load-config) maps it, its flag when
 * `SERVE_FLAG_OPTIONS` (cli/commands/serve-flags) does. An option whose value is an object listed
 * field by field (`tls.cert`) needs its interface in `EXPANDED_OBJECTS`. Then list the key in
 * e2e/config-reference.test.ts (`SERVER_KEYS`; a sample value there unless it is a number or a
 * boolean) and run `npm run docs:config`.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { SERVE_FLAGS } from '../../packages/cli/src/commands/serve';
import {
  CONFIG_FILE_OPTION,
  SERVE_FLAG_OPTIONS,
} from '../../packages/cli/src/commands/serve-flags';
import { ENV_VARIABLES } from '../../packages/server/src/apps/load-config';
import { silentLogger } from '../../packages/server/src/observability/logger';
import { PUSHER_DEFAULT_LIMITS, RELAXED_LIMITS } from '../../packages/server/src/options/limits';
import { resolveServerOptions } from '../../packages/server/src/options/resolve';

/** One option: where it is set and what it does. */
export interface ReferenceRow {
  /** Config-file key path: `port`, `tls.cert`, `apps[].limits`, `limits.maxFrameBytes`. */
  readonly key: string;
  readonly env: readonly string[];
  readonly flags: readonly string[];
  readonly type: string;
  readonly defaultValue: string;
  readonly description: string;
}

/** A titled group of rows (one table in the document). */
export interface ReferenceSection {
  readonly title: string;
  readonly intro: string;
  readonly rows: readonly ReferenceRow[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TYPES_FILE = `${ROOT}packages/server/src/options/types.ts`;
const LIMITS_FILE = `${ROOT}packages/server/src/options/limits.ts`;

/** Options that hold live objects: `createServer()` only, never a file or a variable. */
const CODE_ONLY = new Set(['adapter', 'logger', 'onEvent']);

/** Nested option objects listed field by field under their parent (`tls.cert`, ...). */
const EXPANDED_OBJECTS = new Set(['TlsOptions', 'CorsOptions', 'MetricsOptions', 'ConsoleOptions']);

interface Checker {
  readonly checker: ts.TypeChecker;
  readonly interfaceType: (file: string, name: string) => ts.Type;
}

function createChecker(): Checker {
  const configPath = `${ROOT}tsconfig.base.json`;
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([TYPES_FILE, LIMITS_FILE], {
    ...parsed.options,
    types: ['node'],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  return {
    checker,
    interfaceType(file, name) {
      const source = program.getSourceFile(file);
      const declaration = source?.statements.find(
        (statement): statement is ts.InterfaceDeclaration =>
          ts.isInterfaceDeclaration(statement) && statement.name.text === name,
      );
      if (declaration === undefined) throw new Error(`interface ${name} not found in ${file}`);
      return checker.getTypeAtLocation(declaration);
    },
  };
}

/** A property's JSDoc as one line: `{@link X}` as `X`, the `Env ...` notes dropped (a column). */
function describe(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker));
  return text
    .replace(/\{@link\s+([^}\s]+)\s*\}/g, '`$1`')
    .replace(/\s+/g, ' ')
    .replace(/\s*Env `PUSHWIRE_[^`]*`( \([^)]*\))?\.?/g, '')
    .trim();
}

/** The `@default` tag of a property, if any. */
function jsdocDefault(symbol: ts.Symbol): string | undefined {
  const tag = symbol.getJsDocTags().find((candidate) => candidate.name === 'default');
  const text = tag?.text === undefined ? '' : ts.displayPartsToString(tag.text).trim();
  return text === '' ? undefined : text.replace(/\s+/g, ' ');
}

/** The declared type as written, with a union of string literals behind an alias spelled out. */
function typeText(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const declaration = symbol.valueDeclaration;
  const node =
    declaration !== undefined && ts.isPropertySignature(declaration) ? declaration.type : undefined;
  if (node === undefined) return 'unknown';
  const expand = (typeNode: ts.TypeNode): string => {
    if (ts.isUnionTypeNode(typeNode)) return typeNode.types.map(expand).join(' | ');
    if (ts.isTypeReferenceNode(typeNode)) {
      const type = checker.getTypeFromTypeNode(typeNode);
      if (type.isUnion() && type.types.every((member) => member.isStringLiteral())) {
        return type.types
          .map((member) => `'${(member as ts.StringLiteralType).value}'`)
          .join(' | ');
      }
    }
    return typeNode.getText();
  };
  return expand(node).replace(/\breadonly /g, '');
}

/** The interface name a property's type refers to (after `boolean |`), if it is one to expand. */
function expandedInterface(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Type | undefined {
  const declaration = symbol.valueDeclaration;
  if (declaration === undefined) return undefined;
  const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(symbol, declaration));
  const members = type.isUnion() ? type.types : [type];
  return members.find((member) => EXPANDED_OBJECTS.has(member.getSymbol()?.getName() ?? ''));
}

/** A default as shown: primitives and empty arrays in code style; anything else not shown. */
function formatValue(value: unknown): string | undefined {
  if (typeof value === 'string') return `\`'${value}'\``;
  if (typeof value === 'number' || typeof value === 'boolean') return `\`${String(value)}\``;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string')) {
      return `\`[${value.map((item) => `'${String(item)}'`).join(', ')}]\``;
    }
  }
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) return '`{}`';
  return undefined;
}

const LITERAL = /^('[^']*'|-?\d+|true|false|\[[^\]]*\]|\{\})(.*)$/;

/** A documented default with its leading literal in code style: `67108864` (64 MiB). */
function codeStyled(text: string): string {
  const match = LITERAL.exec(text);
  return match === null ? text : `\`${match[1]}\`${match[2]}`;
}

/** Records a documented literal default that differs from what the resolver fills in. */
function checkDefault(
  walk: Walk,
  key: string,
  documented: string | undefined,
  value: unknown,
): void {
  const literal = documented === undefined ? undefined : LITERAL.exec(documented)?.[1];
  if (literal === undefined) return;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return;
  const actual = typeof value === 'string' ? `'${value}'` : String(value);
  if (actual !== literal) {
    walk.problems.push(`${key}: the JSDoc says @default ${literal}, the resolver fills ${actual}`);
  }
}

/** The value at a dotted path of a resolved object. */
function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Environment variables by the option they set (`apps[0].id` is listed as `apps[].id`). */
function envByOption(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, option] of Object.entries(ENV_VARIABLES)) {
    const key = option === '(config file path)' ? CONFIG_FILE_OPTION : option.replace('[0]', '[]');
    map.set(key, [...(map.get(key) ?? []), name]);
  }
  return map;
}

/** Flags by the option they set, as written on the command line. */
function flagsByOption(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [flag, option] of Object.entries(SERVE_FLAG_OPTIONS)) {
    const spec: { readonly type: string; readonly multiple?: boolean } =
      SERVE_FLAGS[flag as keyof typeof SERVE_FLAGS];
    const shown = spec.multiple === true ? `--${flag} (repeatable)` : `--${flag}`;
    map.set(option, [...(map.get(option) ?? []), shown]);
  }
  return map;
}

interface Walk {
  readonly checker: ts.TypeChecker;
  readonly env: Map<string, string[]>;
  readonly flags: Map<string, string[]>;
  /** The resolved defaults the key paths are looked up in, and the prefix to drop. */
  readonly resolved: unknown;
  readonly resolvedPath: (key: string) => readonly string[];
  /** Where a documented default disagrees with the resolved one. */
  readonly problems: string[];
}

/** One row per property of `type`, nested option objects field by field. */
function rowsOf(
  walk: Walk,
  type: ts.Type,
  prefix: string,
  parentOptional: boolean,
): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  for (const symbol of walk.checker.getPropertiesOfType(type)) {
    const name = symbol.getName();
    const key = `${prefix}${name}`;
    const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
    const codeOnly = prefix === '' && CODE_ONLY.has(name);
    const runtimeValue = valueAt(walk.resolved, walk.resolvedPath(key));
    const documented = jsdocDefault(symbol);
    checkDefault(walk, key, documented, runtimeValue);
    const defaultValue =
      !optional && !parentOptional
        ? 'required'
        : !optional
          ? `required in \`${prefix.slice(0, -1)}\``
          : documented === undefined
            ? (formatValue(runtimeValue) ?? '—')
            : codeStyled(documented);
    rows.push({
      key,
      env: codeOnly ? ['(code only)'] : (walk.env.get(key) ?? []),
      flags: walk.flags.get(key) ?? [],
      type: typeText(walk.checker, symbol),
      defaultValue,
      description: describe(walk.checker, symbol),
    });
    const nested = expandedInterface(walk.checker, symbol);
    if (nested !== undefined) rows.push(...rowsOf(walk, nested, `${key}.`, true));
  }
  return rows;
}

/** The reference, and the documented defaults that disagree with the code (should be none). */
export interface Reference {
  readonly sections: readonly ReferenceSection[];
  readonly problems: readonly string[];
}

/** Every option, grouped as the document shows them. */
export function collectReference(): Reference {
  const { checker, interfaceType } = createChecker();
  const problems: string[] = [];
  const env = envByOption();
  const flags = flagsByOption();
  const resolved = resolveServerOptions({
    logger: silentLogger,
    apps: [{ id: 'id', key: 'key', secret: 'secret' }],
    webhooks: [{ url: 'http://127.0.0.1/' }],
    cors: { origins: '*' },
  });
  const serverRows = rowsOf(
    {
      checker,
      env,
      flags,
      problems,
      // `apps` and `webhooks` were given for the nested defaults: theirs are the JSDoc's.
      resolved: { ...resolved, apps: undefined, webhooks: [] },
      resolvedPath: (key) => key.split('.'),
    },
    interfaceType(TYPES_FILE, 'ServerOptions'),
    '',
    true,
  );
  const configFile: ReferenceRow = {
    key: CONFIG_FILE_OPTION,
    env: env.get(CONFIG_FILE_OPTION) ?? [],
    flags: flags.get(CONFIG_FILE_OPTION) ?? [],
    type: 'path',
    defaultValue: '—',
    description: 'A JSON file with any of the options below (a `$schema` key is ignored).',
  };
  const limitRows = rowsOf(
    {
      checker,
      env,
      flags,
      problems,
      resolved: PUSHER_DEFAULT_LIMITS,
      resolvedPath: (key) => [key.slice('limits.'.length)],
    },
    interfaceType(LIMITS_FILE, 'AppLimits'),
    'limits.',
    true,
  ).map((row) => {
    const name = row.key.slice('limits.'.length) as keyof typeof PUSHER_DEFAULT_LIMITS;
    const pusher = PUSHER_DEFAULT_LIMITS[name];
    const relaxed = RELAXED_LIMITS[name];
    return {
      ...row,
      defaultValue:
        pusher === relaxed ? `\`${pusher}\`` : `\`${pusher}\` (relaxed: \`${relaxed}\`)`,
    };
  });
  /** The rows of one entry of a list option (`prefix` `apps[].`), its defaults read from `entry`. */
  const entryRows = (prefix: string, typeName: string, entry: unknown): ReferenceRow[] =>
    rowsOf(
      {
        checker,
        env,
        flags,
        problems,
        resolved: entry,
        resolvedPath: (key) => key.slice(prefix.length).split('.'),
      },
      interfaceType(TYPES_FILE, typeName),
      prefix,
      false,
    );
  const appRows = entryRows('apps[].', 'AppOptions', resolved.apps[0]).map((row) =>
    row.key === 'apps[].webhooks' ? { ...row, defaultValue: '`[]`' } : row,
  );
  const webhookRows = entryRows('webhooks[].', 'WebhookTarget', resolved.webhooks[0]);
  const sections: ReferenceSection[] = [
    {
      title: 'Server',
      intro: 'Top-level keys of the config file (and of `createServer()`).',
      rows: [configFile, ...serverRows],
    },
    {
      title: 'Limits',
      intro:
        "Server-wide defaults under `limits` (each app can override them in its own `apps[].limits`, same keys). The default is Pusher's, or the relaxed one with `relaxed: true`.",
      rows: limitRows,
    },
    {
      title: 'Apps',
      intro:
        'Each entry of `apps`. The `PUSHWIRE_APP_*` variables describe one app; `PUSHWIRE_APPS` takes a JSON array of them.',
      rows: appRows,
    },
    {
      title: 'Webhook targets',
      intro: 'Each entry of `webhooks` (server-wide) and of `apps[].webhooks`.',
      rows: webhookRows,
    },
  ];
  return { sections, problems };
}
