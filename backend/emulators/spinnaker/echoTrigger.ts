/**
 * The fields of Echo's `Trigger` model and their Java types: spinnaker/echo
 * `echo-model/src/main/java/com/netflix/spinnaker/echo/model/Trigger.java`, v2.47.2 (unchanged on master, 989e20b5).
 * A manual start through Gate's `/pipelines/v2` reaches Orca only through this model: fields it lacks are dropped
 * (no any-setter), `parent` and `propagateAuth` are `@JsonIgnore`d. docs/triggers.md "What reaches Orca".
 */
export const ECHO_TRIGGER_FIELDS = {
  string: [
    'id',
    'type',
    'parentPipelineId',
    'parentPipelineApplication',
    'application',
    'pipeline',
    'correlationId',
    'executionId',
    'project',
    'slug',
    'source',
    'branch',
    'master',
    'job',
    'propertyFile',
    'cronExpression',
    'subscriptionName',
    'pubsubSystem',
    'account',
    'organization',
    'registry',
    'repository',
    'tag',
    'user',
    'artifactorySearchName',
    'nexusSearchName',
    'pluginEventType',
    'pluginId',
    'description',
    'provider',
    'version',
    'releaseDate',
    'requires',
    'binaryUrl',
    'sha512sum',
    'artifactName',
    'hash',
    'runAsUser',
    'secret',
    'digest',
    'action',
    'eventId',
    'link',
    'linkText',
  ],
  /** Primitive `boolean`: always serialized, `false` when absent. */
  boolean: ['enabled', 'preferred', 'rebake', 'dryRun'],
  /** `Integer` */
  integer: ['buildNumber'],
  /** `List<String>` */
  stringList: ['events', 'status', 'expectedArtifactIds'],
  /** `Map` / `Map<String, Object>` / `Map<String, ?>` */
  map: [
    'payloadConstraints',
    'attributeConstraints',
    'buildInfo',
    'properties',
    'parameters',
    'payload',
    'lastSuccessfulExecution',
  ],
  /** `List<Map<String, Object>>` / `List<Map<String, String>>` */
  mapList: ['parsedRequires', 'notifications', 'artifacts'],
} as const;

type Kind = keyof typeof ECHO_TRIGGER_FIELDS;

/** A value Jackson refuses for the field's type: Echo logs the event as failed and starts nothing. */
export class EchoConversionError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const refuse = (field: string, value: unknown, type: string): never => {
  throw new EchoConversionError(`Cannot deserialize ${field} (${type}) from ${JSON.stringify(value)}`);
};

// Jackson's default coercions (Spring Boot's ObjectMapper): scalars become text for a String; a numeric string or
// a number for an Integer ("" is null, floats are truncated); "true"/"false" and numbers for a boolean.
function asString(field: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return refuse(field, value, 'String');
}

const CONVERT: Record<Kind, (field: string, value: unknown) => unknown> = {
  string: asString,
  boolean: (field, value) => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    if (value === '' || value === 'false') return false;
    if (value === 'true') return true;
    return refuse(field, value, 'boolean');
  },
  integer: (field, value) => {
    const number = value === '' ? null : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (number === null) return null;
    if (typeof number === 'number' && Math.abs(number) < 2 ** 31) return Math.trunc(number);
    return refuse(field, value, 'Integer');
  },
  stringList: (field, value) =>
    Array.isArray(value)
      ? value.map((item) => (item === null ? null : asString(field, item)))
      : refuse(field, value, 'List'),
  map: (field, value) => (isObject(value) ? value : refuse(field, value, 'Map')),
  mapList: (field, value) =>
    Array.isArray(value)
      ? value.map((item) => (item === null || isObject(item) ? item : refuse(field, item, 'Map')))
      : refuse(field, value, 'List'),
};

/**
 * A value as a Jackson mapper with `setSerializationInclusion(NON_NULL)` writes it: since Jackson 2.9 that sets the
 * content inclusion too, so null map entries go at any depth; null list elements stay. Echo's `EchoObjectMapper`
 * writes the trigger so, and Orca's `OrcaObjectMapper` stores every execution so, webhook starts included.
 */
export function withoutNullEntries<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutNullEntries(item)) as T;
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null && item !== undefined)
      .map(([key, item]) => [key, withoutNullEntries(item)]),
  ) as T;
}

const KIND_OF = new Map<string, Kind>(
  (Object.keys(ECHO_TRIGGER_FIELDS) as Kind[]).flatMap((kind) =>
    ECHO_TRIGGER_FIELDS[kind].map((field): [string, Kind] => [field, kind]),
  ),
);

/**
 * The trigger Orca receives from Echo for a manual event whose `content.trigger` is `trigger`: read into Echo's
 * model (unknown fields dropped, values converted as Jackson converts them), then written with Echo's
 * `EchoObjectMapper` (`NON_NULL`: null fields and null map entries left out, primitive booleans always written;
 * maps such as `payload` are otherwise kept whole). Throws EchoConversionError where Jackson would throw.
 */
export function echoManualTrigger(trigger: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = { enabled: false, preferred: false, rebake: false, dryRun: false };
  for (const [field, value] of Object.entries(trigger)) {
    const kind = KIND_OF.get(field);
    if (!kind) continue;
    const converted = value === null || value === undefined ? null : CONVERT[kind](field, value);
    if (kind === 'boolean') kept[field] = converted ?? false;
    else if (converted !== null) kept[field] = withoutNullEntries(converted);
  }
  return kept;
}
