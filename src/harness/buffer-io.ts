import type { Io } from '../cli/io.js';

/** What a CLI test gives `runCli`: an `Io` that keeps what was written, with colour off. */
export interface BufferIo extends Io {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/**
 * An `Io` for running the CLI in process: stdout and stderr kept as text, `NO_COLOR` set, the
 * working folder `cwd` (default: this process's).
 *
 * @example
 * const io = bufferIo();
 * await runCli(['models'], io);
 * io.out(); // the model list
 */
export function bufferIo(cwd: string = process.cwd()): BufferIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: { NO_COLOR: '1' },
    cwd,
    out: () => out,
    err: () => err,
  };
}
