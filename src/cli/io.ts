/** Where a command writes: the real process streams, or buffers in tests. */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });

/** Exit codes shared by every command. */
export const exitCode = { clean: 0, findings: 1, error: 2, interrupted: 130 } as const;

/** Split `a,b , c` into names; an empty string gives an empty list. */
export function commaList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}
