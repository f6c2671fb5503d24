import { describe, expect, it } from 'vitest';
import { correlate, translate } from './correlate.js';

describe('replay correlation', () => {
  it('swaps a session id and a CSRF token learned from the answer for later requests', () => {
    const map = new Map<string, string>();
    correlate(
      'sid=AAAAAAAAAAAAAAAAAAAA\n<input name="csrf" value="tok_recorded_000000001">',
      'sid=BBBBBBBBBBBBBBBBBBBB\n<input name="csrf" value="tok_replayed_00000000002">',
      map,
    );
    expect(translate('csrf=tok_recorded_000000001&nhs=9434765919', map)).toBe('csrf=tok_replayed_00000000002&nhs=9434765919');
    expect(translate('sid=AAAAAAAAAAAAAAAAAAAA', map)).toBe('sid=BBBBBBBBBBBBBBBBBBBB');
  });

  it('learns six-digit codes but leaves longer numbers (NHS numbers) alone', () => {
    const map = new Map<string, string>();
    correlate('{"code":"123456","nhs":"9434765919"}', '{"code":"654321","nhs":"9434765919"}', map);
    expect(translate('code=123456&nhs=9434765919', map)).toBe('code=654321&nhs=9434765919');
  });

  it('learns nothing from answers that do not line up', () => {
    const map = new Map<string, string>();
    correlate('one AAAAAAAAAAAAAAAAAAAA', 'two BBBBBBBBBBBBBBBBBBBB CCCCCCCCCCCCCCCCCCCC', map);
    expect(map.size).toBe(0);
  });
});
