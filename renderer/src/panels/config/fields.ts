import { z } from 'zod';
import { ConfigPatchSchema, SECRET_PATHS } from '../../../../main/contract/config.ts';

/**
 * The editor's fields, read from the same zod schema the API validates PATCH /api/config with,
 * so a key added to the contract shows up here without touching the dashboard.
 */
export type FieldKind =
  | { kind: 'boolean' }
  | { kind: 'number'; min: number | null; max: number | null; int: boolean }
  | { kind: 'enum'; options: string[] }
  | { kind: 'string'; secret: boolean; max: number | null }
  /** A list of short strings (addresses), edited as comma-separated text. */
  | { kind: 'list' }
  /** audio.input / audio.output: a mode or one of the server's sound devices (GET /api/audio/devices). */
  | { kind: 'device'; direction: 'inputs' | 'outputs'; label: string }
  /** tts_voice: free text, offered the speaking model's voices (GET /api/status `voice`). */
  | { kind: 'voice' };

export type FieldSpec = FieldKind & { path: string; group: string | null; key: string; description: string | null };

/** Groups that cannot change at runtime (the api group is file-only). */
const FILE_ONLY = new Set(['api']);

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? unwrap(schema.unwrap() as z.ZodType) : schema;
}

/** Keys picked from the server's device list, and what a person calls them. */
const DEVICE_FIELDS: Record<string, FieldKind> = {
  'audio.input': { kind: 'device', direction: 'inputs', label: 'Microphone' },
  'audio.output': { kind: 'device', direction: 'outputs', label: 'Output device' },
};

function kindOf(schema: z.ZodType, path: string): FieldKind | null {
  if (DEVICE_FIELDS[path]) return DEVICE_FIELDS[path];
  if (path === 'tts_voice') return { kind: 'voice' };
  const s = unwrap(schema);
  if (s instanceof z.ZodBoolean) return { kind: 'boolean' };
  if (s instanceof z.ZodNumber) return { kind: 'number', min: s.minValue ?? null, max: s.maxValue ?? null, int: s.isInt ?? false };
  if (s instanceof z.ZodEnum) return { kind: 'enum', options: s.options.map(String) };
  if (s instanceof z.ZodArray) return { kind: 'list' };
  if (s instanceof z.ZodString) return { kind: 'string', secret: (SECRET_PATHS as readonly string[]).includes(path), max: s.maxLength ?? null };
  if (s instanceof z.ZodUnion) {
    const members = (s.options as z.ZodType[]).map(unwrap);
    if (members.every((m) => m instanceof z.ZodEnum || m instanceof z.ZodLiteral)) {
      return { kind: 'enum', options: members.flatMap((m) => (m instanceof z.ZodEnum ? m.options.map(String) : [...(m as z.ZodLiteral).values].map(String))) };
    }
    return { kind: 'string', secret: (SECRET_PATHS as readonly string[]).includes(path), max: null };
  }
  return null;
}

const describe = (schema: z.ZodType): string | null => unwrap(schema).description ?? schema.description ?? null;

export function configFields(): FieldSpec[] {
  const fields: FieldSpec[] = [];
  for (const [key, schema] of Object.entries(ConfigPatchSchema.shape) as Array<[string, z.ZodType]>) {
    if (FILE_ONLY.has(key)) continue;
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) {
      // A group's keys, and the keys of an object inside it (llm.openclaw.agent), shown in the group.
      const add = (object: z.ZodObject, prefix: string) => {
        for (const [sub, subSchema] of Object.entries(object.shape) as Array<[string, z.ZodType]>) {
          const path = `${prefix}.${sub}`;
          const nested = unwrap(subSchema);
          if (nested instanceof z.ZodObject) {
            add(nested, path);
            continue;
          }
          const kind = kindOf(subSchema, path);
          if (kind) fields.push({ ...kind, path, group: key, key: path.slice(key.length + 1), description: describe(subSchema) });
        }
      };
      add(inner, key);
    } else {
      const kind = kindOf(schema, key);
      if (kind) fields.push({ ...kind, path: key, group: null, key, description: describe(schema) });
    }
  }
  return fields;
}

export type Draft = Record<string, string | boolean>;

/** The value at a dotted path of the config view. */
export function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), config);
}

/** The PATCH body for the edited fields (numbers parsed; an empty secret means "leave as is"). */
export function buildPatch(fields: FieldSpec[], draft: Draft): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of fields) {
    if (!(field.path in draft)) continue;
    const raw = draft[field.path]!;
    if (field.kind === 'string' && field.secret && raw === '') continue;
    const value =
      field.kind === 'number'
        ? String(raw).trim() === ''
          ? Number.NaN
          : Number(raw)
        : field.kind === 'list'
          ? String(raw)
              .split(',')
              .map((item) => item.trim())
              .filter(Boolean)
          : raw;
    const keys = field.path.split('.');
    let at = patch;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] = value;
  }
  return patch;
}

/** What a schema issue means to the person typing (zod's own words say "received NaN", ">=1 characters"). */
export function plainIssue(issue: z.core.$ZodIssue): string {
  const limit = (n: unknown) => String(n);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'number') return 'enter a number';
      if (issue.expected === 'int') return 'enter a whole number';
      return issue.message;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `at least ${limit(issue.minimum)} characters`;
      if (issue.origin === 'array') return Number(issue.minimum) <= 1 ? 'name at least one' : `at least ${limit(issue.minimum)} items`;
      if (issue.origin === 'number') return issue.inclusive ? `at least ${limit(issue.minimum)}` : `more than ${limit(issue.minimum)}`;
      return issue.message;
    case 'too_big':
      if (issue.origin === 'string') return `at most ${limit(issue.maximum)} characters`;
      if (issue.origin === 'array') return `at most ${limit(issue.maximum)} items`;
      if (issue.origin === 'number') return issue.inclusive ? `at most ${limit(issue.maximum)}` : `less than ${limit(issue.maximum)}`;
      return issue.message;
    case 'invalid_value':
      return `one of: ${issue.values.map(String).join(', ')}`;
    default:
      return issue.message; // the schema's own words (refinements say what they want: "must be an http(s) URL")
  }
}

/** Validate with the API's own schema; errors keyed by dotted path. */
export function validatePatch(patch: Record<string, unknown>): { ok: true; body: z.infer<typeof ConfigPatchSchema> } | { ok: false; errors: Record<string, string> } {
  const result = ConfigPatchSchema.safeParse(patch);
  if (result.success) return { ok: true, body: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[issue.path.join('.')] ??= plainIssue(issue);
  return { ok: false, errors };
}
