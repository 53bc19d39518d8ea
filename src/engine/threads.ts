/**
 * Runs slices of environment files on worker threads, synchronously: the
 * calling thread runs the first slice itself, then blocks until every worker
 * has posted its result. Results come back in slice order, whatever order
 * the threads finish in.
 *
 * This file is also the workers' entry point.
 */
import * as path from 'node:path';
import { isMainThread, MessageChannel, MessagePort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import { runSlice, type SliceOptions, type SliceResult } from './pipeline';

interface WorkerInput {
  readonly slice: SliceOptions;
  readonly port: MessagePort;
  /** Set to 1 once the result (or error) is posted. */
  readonly done: Int32Array;
}

type WorkerOutput = { readonly result: SliceResult } | { readonly error: string };

/** The longest a worker may take before helmflux gives up on it. */
const WORKER_TIMEOUT_MS = 10 * 60 * 1000;

/** Runs `options.fileNames` in `count` contiguous slices, one per thread. */
export function runSlices(options: SliceOptions, count: number): SliceResult[] {
  const size = Math.ceil(options.fileNames.length / count);
  const slices = Array.from({ length: count }, (_, i) => ({ ...options, fileNames: options.fileNames.slice(i * size, (i + 1) * size) }));
  const workers = slices.slice(1).map((slice) => {
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    const input: WorkerInput = { slice, port: port2, done };
    const worker = new Worker(path.join(__dirname, 'threads.js'), { workerData: input, transferList: [port2], stdout: false, stderr: false });
    return { worker, port: port1, done };
  });
  const results = [runSlice(slices[0])];
  for (const { worker, port, done } of workers) {
    if (Atomics.wait(done, 0, 0, WORKER_TIMEOUT_MS) === 'timed-out') throw new Error('a helmflux worker thread did not finish in 10 minutes');
    const output = receiveMessageOnPort(port)?.message as WorkerOutput | undefined;
    port.close();
    void worker.terminate();
    if (output === undefined) throw new Error('a helmflux worker thread ended without a result');
    if ('error' in output) throw new Error(`in a helmflux worker thread: ${output.error}`);
    results.push(output.result);
  }
  return results;
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.slice) {
  const { slice, port, done } = workerData as WorkerInput;
  let output: WorkerOutput;
  try {
    output = { result: runSlice(slice) };
  } catch (err) {
    output = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(output);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}
