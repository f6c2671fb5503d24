import type { IncomingHttpHeaders } from 'node:http';

/** A request rate a site announced in its rate-limit headers. */
export interface AnnouncedRate {
  /** Requests allowed per window. */
  limit: number;
  /** The window in seconds, when the site said it (`w=`); without it no rate can be told. */
  windowSeconds?: number;
  /** The header it came from, as a user would look for it. */
  header: string;
}

const policyHeaders = ['ratelimit-policy', 'x-ratelimit-policy'];
const limitHeaders: Record<string, string> = { 'ratelimit-limit': 'RateLimit-Limit', 'x-ratelimit-limit': 'X-RateLimit-Limit' };

/**
 * The tightest rate a site announces in an answer's headers: `RateLimit-Policy` in the IETF
 * drafts' forms (`10;w=1`, `100;w=60, 1000;w=3600`, `"burst";q=10;w=1`), or a `RateLimit-Limit`
 * / `X-RateLimit-Limit` count (with `;w=` when the site gives it, else the count alone, whose
 * window is unknown). Undefined when the answer announces nothing readable.
 *
 * @example
 * announcedRate({ 'ratelimit-policy': '100;w=60, 10;w=1' }); // { limit: 10, windowSeconds: 1, header: 'RateLimit-Policy' }
 */
export function announcedRate(headers: IncomingHttpHeaders): AnnouncedRate | undefined {
  for (const name of policyHeaders) {
    const found = tightest(headerText(headers[name]), name === 'ratelimit-policy' ? 'RateLimit-Policy' : 'X-RateLimit-Policy');
    if (found?.windowSeconds !== undefined) return found;
  }
  let countOnly: AnnouncedRate | undefined;
  for (const [name, header] of Object.entries(limitHeaders)) {
    const found = tightest(headerText(headers[name]), header);
    if (found?.windowSeconds !== undefined) return found;
    countOnly ??= found;
  }
  return countOnly;
}

/** Requests per second an announcement allows, when its window is known. */
export function announcedRps(rate: AnnouncedRate): number | undefined {
  return rate.windowSeconds === undefined ? undefined : rate.limit / rate.windowSeconds;
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** The item of a comma-separated list that allows the fewest requests per second (items with a window first). */
function tightest(text: string, header: string): AnnouncedRate | undefined {
  let best: AnnouncedRate | undefined;
  for (const item of text.split(',')) {
    const rate = parseItem(item, header);
    if (rate === undefined) continue;
    if (best === undefined || tighterRate(rate, best)) best = rate;
  }
  return best;
}

/** True when `rate` allows fewer requests per second than `than` (one with a known window beats one without). */
export function tighterRate(rate: AnnouncedRate, than: AnnouncedRate): boolean {
  const a = announcedRps(rate);
  const b = announcedRps(than);
  if (a === undefined) return b === undefined && rate.limit < than.limit;
  return b === undefined || a < b;
}

/** `10;w=1`, `"name";q=10;w=1` or `10`. */
function parseItem(item: string, header: string): AnnouncedRate | undefined {
  const [head = '', ...params] = item.split(';').map((part) => part.trim());
  const values = new Map<string, string>();
  for (const param of params) {
    const [key, value] = param.split('=').map((part) => part.trim());
    if (key !== undefined && value !== undefined) values.set(key.toLowerCase(), value);
  }
  const limit = number(/^\d+(\.\d+)?$/.test(head) ? head : values.get('q'));
  if (limit === undefined) return undefined;
  const window = number(values.get('w'));
  return window !== undefined && window > 0 ? { limit, windowSeconds: window, header } : { limit, header };
}

function number(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}
