import type { Dispatcher } from 'undici';
import { BookfuzzError } from '../../../errors.js';
import type { HostAllowlist } from './host-allowlist.js';

/**
 * Refuses, before any connection is opened, every request whose origin is not on the
 * allowlist: the request throws `BF_HOST_NOT_ALLOWED` synchronously and never reaches the
 * next dispatcher.
 */
export function allowlist(hosts: HostAllowlist): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const origin = opts.origin;
    let url: URL | undefined;
    try {
      url = origin === undefined ? undefined : new URL(String(origin));
    } catch {
      url = undefined;
    }
    if (!url || !hosts.allows(url)) {
      const host = url?.host ?? String(origin);
      throw hostNotAllowed(host, `${opts.method} ${opts.path}`);
    }
    return dispatch(opts, handler);
  };
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
