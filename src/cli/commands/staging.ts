import { stagingFlawChoice } from '../../live/fuzz-live.js';
import type { Io } from '../io.js';

export interface StagingArgs {
  variant?: string | undefined;
  flaws?: string[] | undefined;
  port: number;
  seedToken?: string | undefined;
}

/** `bookfuzz staging`: start the reference staging site on 127.0.0.1 until Ctrl-C. */
export async function stagingCommand(io: Io, args: StagingArgs): Promise<number> {
  const { flaws } = stagingFlawChoice(args.variant, args.flaws);
  const options: { flaws: string[]; port: number; seedToken?: string } = { flaws, port: args.port };
  if (args.seedToken !== undefined) options.seedToken = args.seedToken;
  const { startStagingSite } = await import('../../staging/index.js');
  const site = await startStagingSite(options);
  io.stdout.write(`listening on ${site.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await site.close();
  return 0;
}
