// Worker-thread entry when no bundle could be made: load the TypeScript worker through tsx (as bin/bookfuzz.js does).
import { register } from 'tsx/esm/api';

register();
await import('./chunk-worker-by-path.ts');
