/* Child processes of the benches: one step each, so that its memory and CPU are its own. */
import { ChildProcess, fork } from 'node:child_process';

/**
 * Forks a TypeScript file (`require.resolve('./name')`) with Backstage's
 * loader, its input as JSON in argv, and `nodeOptions` (such as
 * `--expose-gc`) before it. `message(type)` resolves with the child's next
 * message of that type, or rejects when the child exits first.
 */
export function forkPhase(
  file: string,
  input: object,
  label: string,
  nodeOptions: string[] = [],
) {
  const child = fork(file, [JSON.stringify(input)], {
    execArgv: [
      ...nodeOptions,
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  const message = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { type?: string } & Record<string, unknown>) => {
        if (m?.type === type) {
          child.off('message', onMessage);
          resolve(m as T);
        }
      };
      child.on('message', onMessage);
      exited.then(code =>
        reject(new Error(`${label} exited with ${code} before '${type}'`)),
      );
    });
  return { child, exited, message };
}

/** Stops a child that is still running (after a failure of its parent). */
export async function killPhase(child: ChildProcess | undefined) {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await new Promise(resolve => child.once('exit', resolve));
  }
}

/** Sends a message to the parent process. */
export function sendToParent(message: object): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, (error: Error | null) =>
      error ? reject(error) : resolve(),
    ),
  );
}

/** The `main` of a child process: exit 0 once done, 1 with the error printed. */
export function runPhase(main: () => Promise<void>) {
  main().then(
    () => process.exit(0),
    error => {
      console.error(error);
      process.exit(1);
    },
  );
}
