import { isIP } from 'node:net';

/**
 * Decides which hosts live mode may talk to: loopback (127.0.0.0/8, ::1, `localhost`) always,
 * anything else only when the user listed it (`--allow-host`). Names are compared
 * case-insensitively, without a trailing dot; an entry with a port (`host:8443`) allows that
 * port only.
 */
export interface HostAllowlist {
  /** True when requests to `url` may be sent. */
  allows(url: URL): boolean;
  /** The same for an origin as text (`http://127.0.0.1:8080`); false for text that is no URL. */
  allowsOrigin(origin: string): boolean;
}

export function createHostAllowlist(allowHosts: readonly string[] = []): HostAllowlist {
  const entries = allowHosts.map(normalizeEntry).filter((e) => e !== '');
  const decide = (url: URL): boolean => {
    const host = normalizeHost(url.hostname);
    if (isLoopbackHost(host)) return true;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return entries.some((entry) => entry === host || entry === `${host}:${port}`);
  };
  /**
   * Decisions kept by scheme and host with port, which is all a decision reads (for http and
   * https that is the origin as a URL writes it), and by origin text as asked: a run asks about
   * the same one or two hosts at every request.
   */
  const decided = new Map<string, boolean>();
  const keep = (key: string, allowed: boolean): boolean => {
    if (decided.size >= 64) decided.clear();
    decided.set(key, allowed);
    return allowed;
  };
  const allows = (url: URL): boolean => {
    const key = `${url.protocol}//${url.host}`;
    return decided.get(key) ?? keep(key, decide(url));
  };
  return {
    allows,
    allowsOrigin(origin) {
      const known = decided.get(origin);
      if (known !== undefined) return known;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false;
      }
      return keep(origin, allows(url));
    },
  };
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped loopback) and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = normalizeHost(hostname);
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) {
    if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^(?:0:0:0:0:0|:):ffff:(?:(127\.\d+\.\d+\.\d+)|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.exec(host);
    return mapped !== null;
  }
  return false;
}

function normalizeHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

function normalizeEntry(entry: string): string {
  const trimmed = entry.trim().toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(trimmed)) {
    try {
      const url = new URL(trimmed);
      return url.port ? `${normalizeHost(url.hostname)}:${url.port}` : normalizeHost(url.hostname);
    } catch {
      return '';
    }
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) return bracketed[2] ? `${bracketed[1]}:${bracketed[2]}` : (bracketed[1] ?? '');
  if (isIP(trimmed) === 6) return trimmed;
  return trimmed.replace(/\.(?=:|$)/, '');
}
