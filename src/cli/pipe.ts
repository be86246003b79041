/**
 * A closed standard output ends a command quietly, as for Unix tools killed
 * by SIGPIPE (`michi get pods -o name | head -3`): exit 0, no stack trace.
 * Node ignores SIGPIPE and reports EPIPE as an 'error' event on the stream;
 * one guard installed by the CLI entry handles it for every command.
 * Long-running servers (`michi up`) opt out: losing the log must not stop
 * the network.
 */

let keepServing = false;
let closed = false;

/** `michi up`: a closed stdout/stderr is ignored, the network keeps serving. */
export function keepServingOnClosedOutput(): void {
  keepServing = true;
}

/** True once stdout or stderr has been found closed. */
export function outputClosed(): boolean {
  return closed;
}

function isClosedPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED" || code === "ERR_STREAM_WRITE_AFTER_END";
}

/** Installs the guard on stdout and stderr (once, from the CLI entry). */
export function installPipeGuard(exit: (code: number) => void = (c) => process.exit(c)): void {
  const onError = (err: unknown) => {
    if (!isClosedPipe(err)) throw err;
    closed = true;
    if (!keepServing) exit(0);
  };
  process.stdout.on("error", onError);
  process.stderr.on("error", onError);
}
