import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';

/**
 * GitHub's OpenAPI description (api.github.com, OAS 3.0.3) as a request/response checker.
 * The 13 MB document is parsed once per test worker; schemas are compiled on first use, per operation.
 */

type Node = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: Node;
}
interface Located<T> {
  node: T;
  pointer: string;
}

export interface MatchedOperation {
  operationId: string;
  method: string;
  /** The path template as the description writes it, e.g. `/repos/{owner}/{repo}/actions/runs/{run_id}`. */
  template: string;
  /** Path parameters, URL-decoded (`contents/{path}` keeps its slashes). */
  params: Record<string, string>;
  /** The operation's page in GitHub's REST docs, which GitHub's error bodies link to. */
  docsUrl: string;
}

export interface RequestToCheck {
  method: string;
  url: string | URL;
  /** Parsed JSON body, or undefined when the request had none. */
  body?: unknown;
}

export interface ResponseToCheck {
  status: number;
  contentType?: string;
  body?: unknown;
}

const SPEC_ID = 'github';
// Errors every endpoint can answer, which the description leaves out of most operations
// (https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api).
// 422 "Validation Failed" is among them: GitHub answers it, for example, to dispatch inputs a workflow does not declare.
// So is 400 "Bad Request", for a body GitHub cannot read, and from older GitHub Enterprise Server for an unknown body key.
const UNDECLARED_ERRORS = new Set([304, 400, 401, 403, 404, 422, 429, 500, 502, 503, 504]);

interface Template {
  template: string;
  methods: Set<string>;
  segments: RegExp[];
  names: string[][];
  literals: number;
}

interface Loaded {
  doc: Node;
  ajv: Ajv;
  templates: Template[];
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Node;
  fixKnownDefects(doc);
  normalizeNullable(doc);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: true });
  formatsPlugin.default(ajv);
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addSchema(doc, SPEC_ID);
  loaded = { doc, ajv, templates: indexPaths(doc.paths as Record<string, Node>), validators: new Map() };
  return loaded;
}

/** Where the description contradicts itself, follow the schema GitHub's own examples fit. */
function fixKnownDefects(doc: Node): void {
  const at = (...tokens: string[]) => tokens.reduce<Node | undefined>((node, t) => node?.[t] as Node | undefined, doc);
  // GET /app/installations inlines `account` as allOf [user, enterprise]; the `installation` schema says anyOf.
  const account = at(
    'paths',
    '/app/installations',
    'get',
    'responses',
    '200',
    'content',
    'application/json',
    'schema',
    'items',
    'properties',
    'account',
  );
  if (account?.allOf) {
    account.anyOf = account.allOf;
    delete account.allOf;
  }
  // `created` of the workflow-run lists takes GitHub's date search syntax (`>=2024-01-01T00:00:00Z`, `a..b`), as
  // its own description says, though its schema claims a bare date-time.
  const created = at('components', 'parameters', 'created', 'schema');
  if (created?.format === 'date-time') delete created.format;
}

/**
 * Ajv implements OAS `nullable` only next to `type`, and does not let `null` through an `enum`.
 * The description has both (`"nullable": true, "allOf": [...]`; job `conclusion` is a nullable enum).
 */
function normalizeNullable(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) normalizeNullable(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Node;
  for (const value of Object.values(schema)) normalizeNullable(value);
  if (schema.nullable !== true) return;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  if (schema.type === undefined) {
    const rest = { ...schema };
    delete rest.nullable;
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [{ type: 'null' }, rest];
  }
}

function indexPaths(paths: Record<string, Node>): Template[] {
  return Object.entries(paths).map(([template, item]) => {
    const parts = template.split('/').slice(1);
    const names = parts.map((part) => [...part.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? ''));
    const segments = parts.map((part) => {
      const source = part
        .split(/\{[^}]+\}/)
        .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('(.+?)');
      return new RegExp(`^${source}$`);
    });
    const methods = new Set(Object.keys(item).filter((key) => key !== 'parameters'));
    return { template, methods, segments, names, literals: names.filter((n) => n.length === 0).length };
  });
}

const escapeToken = (token: string) => encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));
const pointerOf = (...tokens: string[]) => tokens.map((t) => `/${escapeToken(t)}`).join('');

function deref<T>(doc: Node, located: Located<unknown>): Located<T> {
  let current = located;
  for (let hops = 0; hops < 10; hops++) {
    const ref = (current.node as { $ref?: string } | undefined)?.$ref;
    if (!ref?.startsWith('#/')) return current as Located<T>;
    const tokens = ref
      .slice(2)
      .split('/')
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const node = tokens.reduce<unknown>((at, token) => (at as Node | undefined)?.[token], doc);
    current = { node, pointer: pointerOf(...tokens) };
  }
  throw new Error(`$ref loop at ${located.pointer}`);
}

// Parameters whose values may hold slashes (file paths, branch and tag names).
const SLASHED = new Set(['path', 'ref', 'branch']);

function matchTemplate(t: Template, parts: string[]): Record<string, string> | undefined {
  const greedy = parts.length > t.segments.length;
  const last = t.names.at(-1);
  if (parts.length < t.segments.length || (greedy && !(last?.length === 1 && SLASHED.has(last[0] ?? ''))))
    return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of t.segments.entries()) {
    // A trailing `{path}` may span several segments, as the contents API allows.
    const raw = greedy && i === t.segments.length - 1 ? parts.slice(i).join('/') : (parts[i] ?? '');
    const match = segment.exec(raw);
    if (!match) return undefined;
    (t.names[i] ?? []).forEach((name, j) => (params[name] = safeDecode(match[j + 1] ?? '')));
  }
  return params;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The operation for `method` and a URL or pathname; exact segment counts win, then the most literal template. */
export function matchOperation(method: string, url: string | URL): MatchedOperation | undefined {
  const { doc, templates } = load();
  const m = method.toLowerCase();
  const parts = new URL(url, 'https://api.github.com').pathname.split('/').slice(1);
  let best: { t: Template; params: Record<string, string>; score: number } | undefined;
  for (const t of templates) {
    if (!t.methods.has(m)) continue;
    const params = matchTemplate(t, parts);
    if (!params) continue;
    const score = (parts.length === t.segments.length ? 1000 : 0) + t.literals;
    if (!best || score > best.score) best = { t, params, score };
  }
  if (!best) return undefined;
  const operation = (doc.paths as Record<string, Record<string, Node>>)[best.t.template]?.[m];
  return {
    operationId: String(operation?.operationId),
    method: m,
    template: best.t.template,
    params: best.params,
    docsUrl: String((operation?.externalDocs as Node | undefined)?.url ?? 'https://docs.github.com/rest'),
  };
}

function operationPointer(op: MatchedOperation) {
  return pointerOf('paths', op.template, op.method);
}

function parametersOf(doc: Node, op: MatchedOperation): Located<Parameter>[] {
  const item = (doc.paths as Record<string, Node>)[op.template] ?? {};
  const lists: [Node[] | undefined, string][] = [
    [item.parameters as Node[] | undefined, pointerOf('paths', op.template, 'parameters')],
    [(item[op.method] as Node).parameters as Node[] | undefined, `${operationPointer(op)}/parameters`],
  ];
  return lists.flatMap(([list, base]) =>
    (list ?? []).map((p, i) => deref<Parameter>(doc, { node: p, pointer: `${base}/${i}` })),
  );
}

function validator(key: string, schema: () => object): ValidateFunction {
  const { ajv, validators } = load();
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema());
    validators.set(key, validate);
  }
  return validate;
}

const refTo = (pointer: string) => ({ $ref: `${SPEC_ID}#${pointer}` });

/** Query strings carry text; read them as the parameter's schema types them (integer, boolean, array). */
function coerce(value: string, schema: Node | undefined): unknown {
  const types = [schema?.type, ...((schema?.oneOf ?? schema?.anyOf ?? []) as Node[]).map((s) => s.type)];
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function checkParameters(doc: Node, op: MatchedOperation, location: 'path' | 'query', values: Record<string, string>) {
  const params = parametersOf(doc, op).filter((p) => p.node.in === location);
  const validate = validator(`${op.operationId} ${location}`, () => ({
    type: 'object',
    properties: Object.fromEntries(
      params.map(({ node, pointer }) => {
        // per_page has no `maximum` in the description, only "(max 100)" in its text; GitHub silently caps it.
        const max = /\(max (\d+)\)/.exec(node.description ?? '')?.[1];
        const ref = refTo(`${pointer}/schema`);
        return [node.name, max ? { allOf: [ref, { maximum: Number(max) }] } : ref];
      }),
    ),
    required: params.filter((p) => p.node.required).map((p) => p.node.name),
    additionalProperties: location === 'path',
  }));
  const data = Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      const schema = params.find((p) => p.node.name === name)?.node.schema;
      return [name, coerce(value, schema && deref<Node>(doc, { node: schema, pointer: '' }).node)];
    }),
  );
  validate(data);
  return (validate.errors ?? []).map((error) => describeParameterError(location, error));
}

function describeParameterError(location: string, error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return `unknown ${location} parameter '${String(error.params.additionalProperty)}'`;
  }
  if (error.keyword === 'required') {
    return `missing required ${location} parameter '${String(error.params.missingProperty)}'`;
  }
  const name = error.instancePath.split('/')[1] ?? '';
  return `${location} parameter '${name}' ${error.message ?? 'is invalid'}${describeAllowed(error)}`;
}

function describeAllowed(error: ErrorObject): string {
  if (error.keyword !== 'enum') return '';
  return ` (${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
}

function describeErrors(subject: string, errors: ErrorObject[] | null | undefined): string[] {
  const all = errors ?? [];
  // A failed oneOf/anyOf also lists each branch's own failure; its summary line says enough.
  const branches = all.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  return all
    .filter((e) => !branches.some((branch) => e.schemaPath.startsWith(branch)))
    .slice(0, 5)
    .map((e) => `${subject}${e.instancePath} ${e.message ?? 'is invalid'}${describeAllowed(e)}`);
}

/** Violations of the description by a request: unknown operation, parameters, JSON body. */
export function validateRequest(request: RequestToCheck): { operation?: MatchedOperation; violations: string[] } {
  const { doc } = load();
  const url = new URL(request.url, 'https://api.github.com');
  const prefix = `${request.method.toUpperCase()} ${url.pathname}`;
  const operation = matchOperation(request.method, url);
  if (!operation) return { violations: [`${prefix}: no such operation in GitHub's REST API`] };

  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const violations = [
    ...checkParameters(doc, operation, 'path', operation.params),
    ...checkParameters(doc, operation, 'query', query),
  ];

  const op = (doc.paths as Record<string, Record<string, Node>>)[operation.template]?.[operation.method] ?? {};
  const body = op.requestBody
    ? deref<{ required?: boolean; content?: Record<string, { schema?: Node }> }>(doc, {
        node: op.requestBody,
        pointer: `${operationPointer(operation)}/requestBody`,
      })
    : undefined;
  if (request.body === undefined) {
    if (body?.node.required) violations.push('request body is required');
  } else if (!body) {
    violations.push('request body is not expected by this operation');
  } else if (body.node.content?.['application/json']?.schema) {
    const validate = validator(`${operation.operationId} body`, () =>
      refTo(`${body.pointer}/content/${escapeToken('application/json')}/schema`),
    );
    validate(request.body);
    violations.push(...describeErrors('request body', validate.errors));
  }
  return { operation, violations: violations.map((v) => `${prefix}: ${v}`) };
}

/** Violations by a response: an undeclared status, or a JSON body that does not fit the declared schema. */
export function validateResponse(operation: MatchedOperation, response: ResponseToCheck): string[] {
  const { doc } = load();
  const op = (doc.paths as Record<string, Record<string, Node>>)[operation.template]?.[operation.method] ?? {};
  const responses = (op.responses ?? {}) as Record<string, unknown>;
  const prefix = `${operation.method.toUpperCase()} ${operation.template} → ${response.status}`;
  const status = String(response.status);
  let declared: Located<{ content?: Record<string, { schema?: Node }> }>;
  if (responses[status]) {
    declared = deref(doc, { node: responses[status], pointer: `${operationPointer(operation)}/responses/${status}` });
  } else if (UNDECLARED_ERRORS.has(response.status)) {
    declared = deref(doc, { node: { $ref: '#/components/responses/not_found' }, pointer: '' });
  } else {
    return [
      `${prefix}: status not declared by ${operation.operationId} (declares ${Object.keys(responses).join(', ')})`,
    ];
  }

  const mediaType = response.contentType?.split(';')[0]?.trim() ?? '';
  if (response.body === undefined || !/json/.test(mediaType)) return [];
  const content = declared.node.content ?? {};
  const key = content[mediaType] ? mediaType : 'application/json';
  if (!content[key]?.schema) return [`${prefix}: a JSON body is not declared`];
  const validate = validator(`${declared.pointer} ${key}`, () =>
    refTo(`${declared.pointer}/content/${escapeToken(key)}/schema`),
  );
  validate(response.body);
  return describeErrors(`${prefix}: response body`, validate.errors);
}

/** A component example (`#/components/examples/{name}`), deep-copied so callers may change it. */
export function componentExample<T>(name: string): T {
  const examples = (load().doc.components as { examples: Record<string, { value: unknown }> }).examples;
  const example = examples[name];
  if (!example) throw new Error(`No example '${name}' in GitHub's OpenAPI description`);
  return structuredClone(example.value) as T;
}

/** Violations by a webhook payload of the description's `webhook-<event>-<action>` schema, e.g. `webhook-workflow-run-completed`. */
export function validateWebhook(schema: string, payload: unknown): string[] {
  const { doc } = load();
  if (!(doc.components as { schemas: Record<string, unknown> }).schemas[schema]) {
    return [`no webhook schema ${schema} in GitHub's OpenAPI description`];
  }
  const validate = validator(`webhook ${schema}`, () => refTo(pointerOf('components', 'schemas', schema)));
  validate(payload);
  return describeErrors(`webhook ${schema}`, validate.errors);
}
