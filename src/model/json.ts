/** JSON values: worlds, inputs, observations and findings are all plain JSON, so they save and replay. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}
