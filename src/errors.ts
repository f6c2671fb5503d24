/**
 * The one error class of bookfuzz. Every error a user can cause (a broken model, an unknown
 * variant, a malformed finding file, a refused host) is a `BookfuzzError` with a stable code,
 * printed by the CLI as one line and exit code 2. Anything else that escapes is a bug.
 */
export const errorCodes = {
  BF_USAGE: 'the command line is wrong',
  BF_MODEL_NOT_FOUND: 'no model by that name or path',
  BF_MODEL_INVALID: 'the model does not follow the model format',
  BF_VARIANT_UNKNOWN: 'the model has no such variant',
  BF_FLAW_UNKNOWN: 'the model has no such flaw',
  BF_ORACLE_UNKNOWN: 'there is no such oracle',
  BF_FINDING_INVALID: 'a finding file is not a bookfuzz finding',
  BF_SIMULATOR_FAILED: 'the model simulator threw while running a step',
  BF_IO: 'a file could not be read or written',
  BF_CONFIG_INVALID: 'the configuration file is wrong',
  BF_HOST_NOT_ALLOWED: 'the target host is not on the allowlist',
  BF_TRANSPORT: 'the target could not be reached or answered badly',
  BF_BUDGET_EXHAUSTED: 'the request budget is spent',
  BF_SETUP_FAILED: 'the site did not accept the set-up of a world',
  BF_INTERNAL: 'bookfuzz broke one of its own rules (a bug in bookfuzz, please report it)',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class BookfuzzError extends Error {
  override readonly name = 'BookfuzzError';
  readonly code: ErrorCode;
  /** Where it went wrong: a file, a step, a field. */
  readonly where: string | undefined;

  constructor(code: ErrorCode, message: string, options: { where?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.where = options.where;
  }

  /** One line for a terminal: `bookfuzz: BF_MODEL_INVALID: models/x/index.ts: variant "y" names unknown flaw "z"`. */
  toLine(): string {
    return `bookfuzz: ${this.code}: ${this.where ? `${this.where}: ` : ''}${this.message}`;
  }
}

export function isBookfuzzError(error: unknown): error is BookfuzzError {
  return error instanceof BookfuzzError;
}
