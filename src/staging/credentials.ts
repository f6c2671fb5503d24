/**
 * Login rules that need a secret the model worlds do not hold: each is derived from the world
 * alone, so a binding that seeded a world can log its actors in. See README.md, "Login rules".
 */

/** record-access: the account holder's password is `<dateOfBirth>#<last 4 digits of the NHS number>`. */
export function recordAccessPatientPassword(identity: { dateOfBirth: string; nhsNumber: string }): string {
  return `${identity.dateOfBirth}#${identity.nhsNumber.slice(-4)}`;
}

/** record-access: the proxy's username is their id; the password is `proxy-<proxy id>-<last 4 digits of the patient's NHS number>`. */
export function recordAccessProxyPassword(proxyId: string, patientNhsNumber: string): string {
  return `proxy-${proxyId}-${patientNhsNumber.slice(-4)}`;
}

/** sealed-envelope: the clinician logs in with their staff id and the passcode `passcode-<staff id>`. */
export function sealedEnvelopePasscode(clinicianId: string): string {
  return `passcode-${clinicianId}`;
}

/** Digits only (NHS numbers may be typed with spaces). */
export function digits(value: string): string {
  return value.replace(/\D/g, '');
}
