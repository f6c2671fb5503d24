// The chunk worker as loaded through tsx: the model is loaded by its source path.
import { loadModel } from '../model/load-model.js';
import { startChunkWorker } from './chunk-worker.js';

await startChunkWorker((data) => loadModel(data.model, data.cwd));
