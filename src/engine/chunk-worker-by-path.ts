// The chunk worker that loads the model by its source path: through tsx (chunk-worker-entry.mjs), or bundled for a flow spec.
import { loadModel } from '../model/load-model.js';
import { startChunkWorker } from './chunk-worker.js';

await startChunkWorker((data) => loadModel(data.model, data.cwd));
