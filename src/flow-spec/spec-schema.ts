import { z } from 'zod';

/**
 * The schema of a flow spec (YAML or JSON). Every object is strict: an unknown key is an error
 * naming the key, its file and line. Expressions (`if`, policy rules) and templates (`{{…}}`)
 * are checked after this, against the names the spec declares (see `check-references.ts`).
 */

/**
 * A YAML key written with nothing after it (`permits:`) is null: read it as absent, so an optional
 * part left empty means "none" instead of "is required".
 */
const orAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === null ? undefined : value), schema);

const kebab = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be kebab-case (lower-case words joined by "-")');
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const jsonValue: z.ZodType<unknown> = z.lazy(() => z.union([scalar, z.array(jsonValue), z.record(z.string(), jsonValue)]));

/** How one generated world field is drawn. */
export type FieldGen =
  | { oneOf: unknown[] }
  | { integer: [number, number] }
  | { const: unknown }
  | { canary: string }
  | { sequence: string }
  | { list: { min: number; max: number; of: Record<string, FieldGen> } };

const fieldGen: z.ZodType<FieldGen> = z.lazy(() =>
  z.union([
    z.strictObject({ oneOf: z.array(jsonValue).min(1) }),
    z.strictObject({ integer: z.tuple([z.number().int(), z.number().int()]) }),
    z.strictObject({ const: jsonValue }),
    z.strictObject({ canary: z.string().min(1) }),
    z.strictObject({ sequence: z.string() }),
    z.strictObject({ list: z.strictObject({ min: z.number().int().min(0), max: z.number().int().min(0), of: z.record(z.string(), fieldGen) }) }),
  ]),
);

export const identityFields = ['nhsNumber', 'nhi', 'givenName', 'familyName', 'dateOfBirth', 'postcode', 'phone', 'email'] as const;

const identitiesSchema = z.strictObject({
  /** How many patients a world holds: a number or `{ min, max }`. */
  count: z.union([z.number().int().min(1), z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) })]),
  /** Patient ids are `<idPrefix><n>` from 1 (default `p`). */
  idPrefix: z.string().default('p'),
  /** Per-patient fields besides the identity and the secrets. */
  fields: orAbsent(z.record(z.string(), fieldGen).default({})),
  /**
   * Or: pre-provisioned test identities: a file (CSV with a header row, or a JSON array) relative
   * to the spec, or the rows themselves (a list of mappings).
   */
  pool: z.union([z.string(), z.array(z.record(z.string(), scalar)).min(1)]).optional(),
});

const secretSchema = z.strictObject({
  description: z.string().optional(),
  /** The per-patient field that is secret. */
  field: z.string(),
  values: z.array(jsonValue).min(2),
  hiddenFrom: z.array(z.string()).min(1),
});

const actorSchema = z.strictObject({
  description: z.string().default(''),
  /** The patient (index into the world's patients) this actor is; `self` in templates and rules. */
  is: z.number().int().min(0).optional(),
  /** Roles the server's own records give this actor (policy `role` rules). */
  roles: z.array(z.string()).default([]),
  /** Values of the actor itself (`{{actor.password}}`), templates allowed. */
  with: z.record(z.string(), z.string()).default({}),
  /** Requests that log the actor in, sent before its first action in a run side (not observed). */
  login: z.lazy(() => z.array(requestSchema)).default([]),
});

const extractorSchema = z
  .strictObject({
    css: z.string().optional(),
    attr: z.string().optional(),
    regex: z.string().optional(),
    group: z.number().int().min(0).optional(),
    last: z.boolean().optional(),
    json: z.string().optional(),
    cookie: z.string().optional(),
    header: z.string().optional(),
    optional: z.boolean().optional(),
  })
  .refine((e) => [e.css, e.regex, e.json, e.cookie, e.header].filter((x) => x !== undefined).length === 1, {
    message: 'an extractor needs exactly one of css, regex, json, cookie, header',
  });
export type ExtractorSpec = z.infer<typeof extractorSchema>;

const matchSchema = z.strictObject({
  status: z.union([z.number().int(), z.array(z.number().int())]).optional(),
  path: z.string().optional(),
  pathPrefix: z.string().optional(),
  /** Templates allowed: `"{{self.givenName}}"`. */
  bodyContains: z.string().optional(),
});
export type MatchSpec = z.infer<typeof matchSchema>;

export const requestSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z.string().startsWith('/', 'must start with "/" (a path on the target)'),
  /** Who sends it: the step's actor (default) or `setup`, a pseudo-actor with its own jar (seeding, state). */
  as: z.enum(['actor', 'setup']).default('actor'),
  headers: z.record(z.string(), z.string()).optional(),
  form: z.record(z.string(), z.string()).optional(),
  json: jsonValue.optional(),
  followRedirects: z.boolean().optional(),
  /** Only sent when this expression holds. */
  if: z.string().optional(),
  /** Observed as part of the step (default: yes for the actor's requests, no for `setup`). */
  observe: z.boolean().optional(),
  /** Keep the actor's cookie jar as it was before this request (an attacker keeps the old cookie). */
  keepCookies: z.boolean().optional(),
  extract: z.record(z.string(), extractorSchema).optional(),
  /** Setup/cleanup: statuses that count as success (default any 2xx/3xx). */
  expect: z.array(z.number().int()).optional(),
  /** Log-in, set-up, cleanup: the request did its work only when its answer matches one of these. */
  okIf: z.array(matchSchema).optional(),
  /** Log-in, set-up, cleanup: the request was refused when its answer matches one of these. */
  refusedIf: z.array(matchSchema).optional(),
  /**
   * Set-up only: values read from the answer (extractor syntax) and kept on the patient set up
   * (`setup.flows.forEachPatient`; in `seed`, `before` and `once`, once per patient with
   * `{{patient.…}}` in the extractor), as `{{victim.name}}`, `{{self.name}}`, `{{patient.name}}`.
   */
  capture: z.record(z.string(), extractorSchema).optional(),
});
export type RequestSpec = z.infer<typeof requestSchema>;


const inputGen = z.union([
  z.strictObject({ oneOf: z.array(jsonValue).min(1) }),
  z.strictObject({ integer: z.tuple([z.number().int(), z.number().int()]) }),
]);

const actionSchema = z.strictObject({
  description: z.string().default(''),
  actors: z.array(z.string()).min(1),
  /** The step names a patient (`victim` in templates): drawn as an index into the world's patients. */
  target: z.enum(['patient', 'none']).default('none'),
  /** Other generated inputs (`{{input.name}}`). */
  input: z.record(z.string(), inputGen).default({}),
  mutates: z.boolean().default(false),
  /** Never generated or sent unless irreversible steps are allowed (`--allow-irreversible`). */
  irreversible: z.boolean().default(false),
  requests: z.array(requestSchema).default([]),
  /** The step was refused when the last observed answer matches any of these (else ok). */
  refusedIf: z.array(matchSchema).optional(),
  /** The step was done when the last observed answer matches any of these (else refused). */
  okIf: z.array(matchSchema).optional(),
  /** Sessions this step ends, whatever the site does: the actor's own or another actor's. */
  ends: z.array(z.strictObject({ actor: z.string(), reason: z.enum(['logout', 'card-removed', 'idle-timeout', 'login-disabled']) })).optional(),
  /** The server-side change the step makes when it is done (`ok`), for the `authorized` oracle. */
  change: z.strictObject({ object: z.string(), owner: z.enum(['victim', 'self', 'none']).default('victim'), description: z.string() }).optional(),
  /** What the step does to the world in the reference semantics (so policies judge later steps on it). */
  effects: z.array(z.strictObject({ if: z.string().optional(), append: z.string(), value: jsonValue })).optional(),
  /** A record view this step shows when done, with how to read the audit entry from the site. */
  recordView: z
    .strictObject({
      patient: z.enum(['victim', 'self']).default('victim'),
      breakGlass: z.boolean().default(false),
      /** The view is a break-glass one when the last answer matches this. */
      breakGlassIf: matchSchema.optional(),
      /** A request (usually `as: setup` to a state endpoint) whose JSON answer holds the audit log. */
      audit: requestSchema.optional(),
      /** JSON pointer to the audit array in that answer. */
      auditPointer: z.string().default('/audit'),
    })
    .optional(),
});
export type ActionSpecYaml = z.infer<typeof actionSchema>;

const transitionSchema = z.strictObject({
  action: z.string(),
  from: z.union([z.string(), z.array(z.string())]).optional(),
  to: z.string(),
  if: z.string().optional(),
  /** Only with this planted flaw switched on (model mode). */
  flaw: z.string().optional(),
  outcome: z.enum(['ok', 'refused']).default('ok'),
  /** Session variables this transition sets (`session.<name>` in conditions). */
  set: z.record(z.string(), scalar).optional(),
  /** Shown on the screen: world values by expression path (e.g. `victim.doses`). */
  shows: z.record(z.string(), z.string()).optional(),
});

const screensSchema = z.strictObject({
  /** The screen every actor starts on. */
  start: z.string(),
  /** Tried in order: the first transition whose action, from-screen, condition and flaw fit is taken. */
  transitions: z.array(transitionSchema).min(1),
});
export type ScreensSpec = z.infer<typeof screensSchema>;

const setupSchema = z.strictObject({
  /** A seeding endpoint: requests (usually one) sent by the setup actor with the world in a template (`{{world}}`). */
  seed: z.array(requestSchema).optional(),
  /** The site's own public flows run by the setup actor: requests repeated for each patient (`{{patient.…}}`). */
  flows: z
    .strictObject({
      /** Sent once before any patient is set up (a reset). */
      before: orAbsent(z.array(requestSchema).default([])),
      forEachPatient: orAbsent(z.array(requestSchema).default([])),
      /** Sent once after every patient was set up. */
      once: orAbsent(z.array(requestSchema).default([])),
    })
    .optional(),
});

/**
 * How the site carries a session: `{ cookie: name }` (a cookie in the actor's jar), `{ header: name }`
 * (a response header), or `{ extract: name }` (a value the client sends: the actor's extracted value
 * of that name, such as a bearer token taken at log-in). Exactly one key.
 */
const sessionSchema = z
  .strictObject({ cookie: z.string().min(1).optional(), header: z.string().min(1).optional(), extract: z.string().min(1).optional() })
  .refine((s) => [s.cookie, s.header, s.extract].filter((x) => x !== undefined).length === 1, {
    message: 'a session needs exactly one of cookie, header, extract',
  });
export type SessionSpec = z.infer<typeof sessionSchema>;

export const specSchema = z.strictObject({
  name: kebab,
  title: z.string().min(1),
  description: z.string().min(1),
  /**
   * What identifies a session, for the `session-dies` oracle (hashed, never kept): a cookie in the
   * actor's jar, a response header, or a value the client sends (an extracted bearer token).
   */
  session: sessionSchema.optional(),
  /** Volatile parts the site echoes in its pages: values of these response headers, and these patterns, are masked before observing. */
  volatile: z.strictObject({ headers: z.array(z.string()).default([]), patterns: z.array(z.string()).default([]) }).optional(),
  identities: identitiesSchema,
  /** Top-level world values (slots, staff, clocks), templates not allowed. */
  constants: orAbsent(z.record(z.string(), jsonValue).default({})),
  secrets: orAbsent(z.record(kebab, secretSchema).default({})),
  actors: z.record(z.string(), actorSchema).refine((a) => Object.keys(a).length > 0, 'declare at least one actor'),
  setup: orAbsent(setupSchema.default({})),
  actions: z.record(kebab, actionSchema).refine((a) => Object.keys(a).length > 0, 'declare at least one action'),
  /** The usual order of each actor's journey; random single steps are mixed in. */
  journeys: z.record(z.string(), z.array(z.string())).optional(),
  maxSteps: z.number().int().min(1).default(6),
  policy: orAbsent(
    z
    .strictObject({
      /** action → condition; a mutating action whose rule is false is forbidden (default: allowed). */
      permits: orAbsent(z.record(z.string(), z.string()).default({})),
      /** Any rule true → the actor may see the canary. No rules: the no-canary-leak oracle is off. */
      maySee: z.array(z.string()).optional(),
      /** Condition on `view` (and `world`): record views that must be audited (default all). */
      mustAudit: z.string().optional(),
    })
    .default({ permits: {} }),
  ),
  /** Oracle ids to apply (default: every oracle that applies). */
  oracles: z.array(z.string()).optional(),
  /** Requests sent after every run side: a list (once), or `{ forEachPatient, once }`. */
  cleanup: orAbsent(
    z
      .union([
        z.array(requestSchema),
        z.strictObject({ forEachPatient: orAbsent(z.array(requestSchema).default([])), once: orAbsent(z.array(requestSchema).default([])) }),
      ])
      .default([]),
  ),
  flaws: z.record(kebab, z.strictObject({ description: z.string().min(1), oracles: z.array(z.string()).min(1) })).default({}),
  variants: z.record(z.string(), z.array(z.string())).optional(),
  screens: screensSchema.optional(),
});

export type FlowSpec = z.infer<typeof specSchema>;

/** Requests of one part of a spec and where that part is written (for errors and counts). */
export interface RequestList {
  requests: RequestSpec[];
  path: (string | number)[];
}

/** `cleanup` in either form: a plain list is sent once. */
export function cleanupOf(spec: FlowSpec): { forEachPatient: RequestList; once: RequestList } {
  const cleanup = spec.cleanup;
  if (Array.isArray(cleanup)) return { forEachPatient: { requests: [], path: ['cleanup', 'forEachPatient'] }, once: { requests: cleanup, path: ['cleanup'] } };
  return { forEachPatient: { requests: cleanup.forEachPatient, path: ['cleanup', 'forEachPatient'] }, once: { requests: cleanup.once, path: ['cleanup', 'once'] } };
}

/** Every request set-up sends, with where each list is written: `seed`, `flows.before`, `flows.forEachPatient`, `flows.once`. */
export function setupLists(spec: FlowSpec): { seed: RequestList; before: RequestList; forEachPatient: RequestList; once: RequestList } {
  const flows = spec.setup.flows;
  return {
    seed: { requests: spec.setup.seed ?? [], path: ['setup', 'seed'] },
    before: { requests: flows?.before ?? [], path: ['setup', 'flows', 'before'] },
    forEachPatient: { requests: flows?.forEachPatient ?? [], path: ['setup', 'flows', 'forEachPatient'] },
    once: { requests: flows?.once ?? [], path: ['setup', 'flows', 'once'] },
  };
}
