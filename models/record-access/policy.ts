import type { Canary, Policy } from 'bookfuzz';
import type { RecordEntry, RecordWorld } from './world.js';

/** Record entries anyone may see online: recorded on or after access was granted, and not redacted. */
function onlineEntry(world: RecordWorld, entry: RecordEntry): boolean {
  return !entry.redacted && entry.date >= world.patient.accessGrantedOn;
}

function entryOf(world: RecordWorld, canary: Canary): RecordEntry | undefined {
  return world.entries.find((e) => e.id === canary.owner);
}

/**
 * Who may see what, judged on the server world before the step:
 * - the patient sees their own details, appointments and online entries, and nothing at all
 *   once their login is disabled;
 * - the proxy sees the patient's name and NHS number, the appointments if granted, and online
 *   entries of the granted types only. The patient turning off their own login does not end
 *   the proxy's separately granted access.
 */
export const policy: Policy<RecordWorld> = {
  // Only the account holder may turn their own login off.
  permits: ({ step }) => step.actor === 'patient',
  maySee({ world, step, canary }) {
    if (step.actor === 'patient') {
      if (world.patient.loginDisabled) return false;
      if (canary.field !== 'entry') return true;
      const entry = entryOf(world, canary);
      return entry !== undefined && onlineEntry(world, entry);
    }
    if (step.actor === 'proxy') {
      if (canary.field === 'familyName' || canary.field === 'nhsNumber') return canary.owner === world.patient.id;
      if (canary.field === 'appointment') return world.proxy.scope.appointments;
      if (canary.field !== 'entry') return false;
      const entry = entryOf(world, canary);
      return entry !== undefined && onlineEntry(world, entry) && world.proxy.scope.recordTypes.includes(entry.type);
    }
    return false;
  },
};
