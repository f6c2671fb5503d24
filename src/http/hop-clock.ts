/**
 * Passed as a request's `opaque` so the innermost interceptor can note when the request
 * actually left (after waiting for a rate-limit token or a concurrency slot). Response times
 * are measured from there, so the rate limiter's waits never reach the timing oracle.
 */
export class HopClock {
  sentAt: number | undefined;

  markSent(): void {
    this.sentAt ??= performance.now();
  }
}
