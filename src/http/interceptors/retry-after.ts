/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds (`120`, decimals
 * taken too) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`, counted from `now`; a date in the
 * past asks for no wait). Undefined when there is no header or it says nothing readable (the
 * caller then backs off on its own).
 *
 * @example
 * retryAfterMs('2', Date.now()); // 2000
 */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only a date: Date.parse reads far more than HTTP dates ("1" is a year).
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
