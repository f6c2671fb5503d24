/**
 * Two values cut to `width` characters each so that the place where they differ stays in view:
 * the common beginning and, when there is no room, the end are elided with `…`. Both windows
 * start at the same position, so the two cuts line up character for character. Values that fit
 * are returned whole; equal values are cut at the end. Characters are counted as Unicode code
 * points, so a cut never splits a surrogate pair.
 *
 * @example
 * cutAround('/nhs-covid-booking/screening', '/nhs-covid-booking/booking-reference', 16)
 * // → ['…ing/screening', '…ing/booking-re…']
 */
export function cutAround(a: string, b: string, width: number): [string, string] {
  const ca = Array.from(a);
  const cb = Array.from(b);
  const room = Math.max(1, Math.floor(width));
  if (ca.length <= room && cb.length <= room) return [a, b];
  if (room < 3) return [window(ca, 0, room), window(cb, 0, room)];
  const start = windowStart(ca, cb, room);
  return [window(ca, start, room), window(cb, start, room)];
}

/** How many leading code points two values share. */
export function commonPrefix(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Where both windows start: a little before the first difference, earlier when the rest of both is short. */
function windowStart(a: readonly string[], b: readonly string[], room: number): number {
  const prefix = commonPrefix(a, b);
  if (prefix === Math.max(a.length, b.length)) return 0; // equal: cut at the end
  const context = Math.max(1, Math.min(12, Math.floor(room / 4)));
  let start = Math.max(0, prefix - context);
  // Use the room a short tail leaves to show more of what comes before the difference.
  const longest = Math.max(a.length, b.length);
  if (longest - start < room - 1) start = Math.max(0, longest - (room - 1));
  // An ellipsis in place of one character hides nothing.
  return start <= 1 ? 0 : start;
}

/** `chars` from `start`, `…` for what is left out on either side, at most `room` code points. */
function window(chars: readonly string[], start: number, room: number): string {
  const head = start > 0 ? '…' : '';
  const left = room - head.length;
  if (chars.length - start <= left) return head + chars.slice(start).join('');
  return head + chars.slice(start, start + left - 1).join('') + '…';
}
