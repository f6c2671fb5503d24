import type { Dispatcher } from 'undici';
import { BookfuzzError } from '../../errors.js';
import type { HostAllowlist } from './host-allowlist.js';

/**
 * Refuses, before any connection is opened, every request whose origin is not on the
 * allowlist: the request throws `BF_HOST_NOT_ALLOWED` synchronously and never reaches the
 * next dispatcher.
 */
export function allowlist(hosts: HostAllowlist): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const origin = opts.origin === undefined ? undefined : String(opts.origin);
    if (origin === undefined || !hosts.allowsOrigin(origin)) {
      throw hostNotAllowed(hostOf(origin), `${opts.method} ${opts.path}`);
    }
    return dispatch(opts, handler);
  };
}

/** The host of an origin for a message (the text itself when it is no URL). */
function hostOf(origin: string | undefined): string {
  try {
    return new URL(origin ?? '').host;
  } catch {
    return String(origin);
  }
}

/** The error for a refused host: names the host and says how to allow it. */
export function hostNotAllowed(host: string, where: string): BookfuzzError {
  return new BookfuzzError(
    'BF_HOST_NOT_ALLOWED',
    `host ${host} is not allowed: live mode talks only to loopback hosts (127.0.0.0/8, ::1, localhost) ` +
      `unless a host is allowed explicitly; add --allow-host ${host.replace(/:\d+$/, '')} if this is a staging site you may test`,
    { where },
  );
}
