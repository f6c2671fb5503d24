import cliProgress from 'cli-progress';
import type { EngineListener } from '../engine/events.js';

/**
 * A progress bar on a terminal (stderr): cases run, findings so far. Nothing at all when the
 * stream is not a TTY or JSON was asked for. Returns the listener and a `stop` to call at the end.
 */
export function progressListener(stream: { isTTY?: boolean }, enabled: boolean): { listener: EngineListener; stop: () => void } {
  if (!enabled || !stream.isTTY) return { listener: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: '{model} {bar} {value}/{total} cases | {findings} findings | {oracle}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let findings = 0;
  const listener: EngineListener = (event) => {
    if (event.type === 'run-started') {
      findings = 0;
      bar.start(event.runs * event.oracles.length, 0, { model: event.model, findings, oracle: '' });
    } else if (event.type === 'case-finished') {
      bar.setTotal(Math.max(bar.getTotal(), event.cases));
      bar.update(event.cases, { oracle: event.oracle });
    } else if (event.type === 'finding') {
      bar.update({ findings: ++findings });
    } else if (event.type === 'run-finished') {
      bar.stop();
    }
  };
  return { listener, stop: () => bar.stop() };
}
