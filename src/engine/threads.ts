/**
 * Runs chunks of environment files on several threads, synchronously: the
 * calling thread and its workers each claim the next chunk not yet taken
 * (one shared counter) until none is left, so a thread that started later or
 * ran slower simply runs fewer, and all finish together. The calling thread
 * then blocks until every worker has posted what it ran. Results come back
 * in chunk order, whatever thread ran each.
 *
 * This file is also the workers' entry point.
 */
import * as path from 'node:path';
import { isMainThread, MessageChannel, MessagePort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import { runChunksInTurn, type ChunkOptions, type ChunkResult } from './pipeline';

interface WorkerInput {
  readonly chunks: readonly ChunkOptions[];
  /** [0]: the next chunk to claim, shared by every thread of the run. */
  readonly next: Int32Array;
  readonly port: MessagePort;
  /** Set to 1 once the result (or error) is posted. */
  readonly done: Int32Array;
}

/** What one thread ran: [chunk index, its result] pairs. */
type Claimed = [number, ChunkResult][];

type WorkerOutput = { readonly claimed: Claimed } | { readonly error: string };

/** The longest a worker may take before helmflux gives up on it. */
const WORKER_TIMEOUT_MS = 10 * 60 * 1000;

/** Runs chunks until the shared counter says none is left (or one changed this thread's built-ins: `runChunksInTurn`). */
function claimAndRun(chunks: readonly ChunkOptions[], next: Int32Array): Claimed {
  function* claim(): Generator<readonly [number, ChunkOptions]> {
    for (let i = Atomics.add(next, 0, 1); i < chunks.length; i = Atomics.add(next, 0, 1)) yield [i, chunks[i]];
  }
  return runChunksInTurn(claim());
}

/** Runs `chunks` on this thread and `count - 1` workers; returns their results in chunk order. */
export function runChunks(chunks: readonly ChunkOptions[], count: number): ChunkResult[] {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from({ length: count - 1 }, () => {
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    const input: WorkerInput = { chunks, next, port: port2, done };
    const worker = new Worker(path.join(__dirname, 'threads.js'), { workerData: input, transferList: [port2], stdout: false, stderr: false });
    return { worker, port: port1, done };
  });
  const results: ChunkResult[] = new Array(chunks.length);
  const place = (claimed: Claimed) => claimed.forEach(([i, result]) => (results[i] = result));
  place(claimAndRun(chunks, next));
  for (const { worker, port, done } of workers) {
    if (Atomics.wait(done, 0, 0, WORKER_TIMEOUT_MS) === 'timed-out') throw new Error('a helmflux worker thread did not finish in 10 minutes');
    const output = receiveMessageOnPort(port)?.message as WorkerOutput | undefined;
    port.close();
    void worker.terminate();
    if (output === undefined) throw new Error('a helmflux worker thread ended without a result');
    if ('error' in output) throw new Error(`in a helmflux worker thread: ${output.error}`);
    place(output.claimed);
  }
  // Chunks no thread ran (each stopped on changed built-ins) are left out: the run fails with that problem.
  return results.filter((result) => result !== undefined);
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.chunks) {
  const { chunks, next, port, done } = workerData as WorkerInput;
  let output: WorkerOutput;
  try {
    output = { claimed: claimAndRun(chunks, next) };
  } catch (err) {
    output = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(output);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}
