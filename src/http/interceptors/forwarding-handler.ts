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
 * exactly once. A class, so that the one made per request and per interceptor is one object
 * with its methods shared, not a fresh closure per method.
 */
export class ForwardingHandler implements Dispatcher.DispatchHandler {
  #settled = false;

  constructor(
    protected readonly inner: Dispatcher.DispatchHandler,
    private readonly hooks: HandlerHooks = {},
  ) {}

  /** Calls `settled`, the first time only. */
  private settle(error: Error | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    this.settled(error);
  }

  /** Called once when the exchange is over for any reason: tells `hooks.onSettled` (a subclass may replace this). */
  protected settled(error: Error | undefined): void {
    this.hooks.onSettled?.(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.settle(undefined);
    this.inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.hooks.onStart?.(statusCode, headers);
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.hooks.onData?.(chunk);
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.settle(undefined);
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.settle(error);
    this.inner.onResponseError?.(controller, error);
  }
}

/** A `ForwardingHandler` around `inner` that tells `hooks`. */
export function forwardingHandler(inner: Dispatcher.DispatchHandler, hooks: HandlerHooks): Dispatcher.DispatchHandler {
  return new ForwardingHandler(inner, hooks);
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
