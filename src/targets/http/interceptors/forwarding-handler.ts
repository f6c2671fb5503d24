import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';

/** What a wrapping interceptor may want to hear about, besides passing everything on. */
export interface HandlerHooks {
  onStart?(statusCode: number, headers: IncomingHttpHeaders): void;
  onData?(chunk: Buffer): void;
  /** Called exactly once, when the exchange is over for any reason (end, error, upgrade). */
  onSettled?(error: Error | undefined): void;
}

/**
 * A dispatch handler that passes every call on to `inner` (the undici 7 handler interface,
 * which `compose` guarantees to interceptors) and tells `hooks` what happened. `onSettled`
 * runs once whatever way the exchange ends, so a held resource (a concurrency slot) is freed
 * exactly once.
 */
export function forwardingHandler(inner: Dispatcher.DispatchHandler, hooks: HandlerHooks): Dispatcher.DispatchHandler {
  let settled = false;
  const settle = (error: Error | undefined): void => {
    if (settled) return;
    settled = true;
    hooks.onSettled?.(error);
  };
  return {
    onRequestStart(controller, context: unknown) {
      inner.onRequestStart?.(controller, context);
    },
    onRequestUpgrade(controller, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex) {
      settle(undefined);
      inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
    },
    onResponseStart(controller, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string) {
      hooks.onStart?.(statusCode, headers);
      inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
    },
    onResponseData(controller, chunk: Buffer) {
      hooks.onData?.(chunk);
      inner.onResponseData?.(controller, chunk);
    },
    onResponseEnd(controller, trailers: IncomingHttpHeaders) {
      settle(undefined);
      inner.onResponseEnd?.(controller, trailers);
    },
    onResponseError(controller, error: Error) {
      settle(error);
      inner.onResponseError?.(controller, error);
    },
  };
}

/**
 * Fail a request that an interceptor held back (waiting for a rate-limit token or a slot)
 * and then could not send. undici's own interceptors do the same with a null controller;
 * this one is a real, already-aborted controller so handlers may read it safely.
 */
export function failBeforeDispatch(handler: Dispatcher.DispatchHandler, error: Error): void {
  const controller: Dispatcher.DispatchController = {
    aborted: true,
    paused: false,
    reason: error,
    abort() {},
    pause() {},
    resume() {},
  };
  handler.onResponseError?.(controller, error);
}
