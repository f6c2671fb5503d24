import { describe, expect, it } from 'vitest';
import { announcedRate, announcedRps } from './announced-rate.js';

describe('announced rate limits', () => {
  it('reads RateLimit-Policy in the drafts\' forms and takes the tightest item', () => {
    expect(announcedRate({ 'ratelimit-policy': '10;w=1' })).toEqual({ limit: 10, windowSeconds: 1, header: 'RateLimit-Policy' });
    expect(announcedRate({ 'ratelimit-policy': '100;w=60, 1000;w=3600' })).toEqual({ limit: 1000, windowSeconds: 3600, header: 'RateLimit-Policy' });
    expect(announcedRate({ 'ratelimit-policy': '"burst";q=5;w=1, "day";q=10000;w=86400' })).toEqual({ limit: 10000, windowSeconds: 86400, header: 'RateLimit-Policy' });
  });

  it('reads X-RateLimit-Limit, with its window when given and without it else', () => {
    expect(announcedRate({ 'x-ratelimit-limit': '10, 10;w=1' })).toEqual({ limit: 10, windowSeconds: 1, header: 'X-RateLimit-Limit' });
    expect(announcedRate({ 'x-ratelimit-limit': '60' })).toEqual({ limit: 60, header: 'X-RateLimit-Limit' });
    expect(announcedRps({ limit: 60, header: 'X-RateLimit-Limit' })).toBeUndefined();
    expect(announcedRps({ limit: 120, windowSeconds: 60, header: 'RateLimit-Policy' })).toBe(2);
  });

  it('prefers a policy with a window to a bare count, and announces nothing from other headers', () => {
    expect(announcedRate({ 'x-ratelimit-limit': '5', 'ratelimit-policy': '100;w=10' })).toEqual({ limit: 100, windowSeconds: 10, header: 'RateLimit-Policy' });
    expect(announcedRate({ 'retry-after': '1', 'ratelimit-policy': 'garbage' })).toBeUndefined();
  });
});
