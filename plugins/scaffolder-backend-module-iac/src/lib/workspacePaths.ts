import { isChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Resolves a path given in action input against the task workspace and makes
 * sure it stays there: absolute paths, `..` segments and symbolic links that
 * lead outside the workspace are rejected with an {@link InputError}.
 *
 * @param kind - what must exist at the path
 */
export async function resolveWorkspacePath(
  workspacePath: string,
  relativePath: string,
  kind: 'file' | 'directory' | 'file or directory',
  inputName: string,
): Promise<string> {
  if (path.isAbsolute(relativePath) || /^[a-zA-Z]:[\\/]/.test(relativePath)) {
    throw new InputError(
      `${inputName} must be a path inside the workspace, not an absolute path: ${relativePath}`,
    );
  }
  if (relativePath.split(/[\\/]/).includes('..')) {
    throw new InputError(
      `${inputName} must not contain '..' segments: ${relativePath}`,
    );
  }
  const resolved = path.resolve(workspacePath, relativePath);

  let real: string;
  let realWorkspace: string;
  try {
    realWorkspace = await fs.promises.realpath(workspacePath);
    real = await fs.promises.realpath(resolved);
  } catch {
    throw new InputError(
      `${inputName} does not exist in the workspace: ${relativePath}`,
    );
  }
  if (!isChildPath(realWorkspace, real)) {
    throw new InputError(
      `${inputName} leads outside the workspace through a symbolic link: ${relativePath}`,
    );
  }
  const stat = await fs.promises.stat(real);
  const matches =
    (kind !== 'directory' && stat.isFile()) ||
    (kind !== 'file' && stat.isDirectory());
  if (!matches) {
    throw new InputError(`${inputName} is not a ${kind}: ${relativePath}`);
  }
  return real;
}

/**
 * Writes a file only the backend user can read (mode 0600), for variables and
 * values that may hold secrets. The file is created with that mode, never
 * widened afterwards.
 */
export async function writePrivateFile(
  file: string,
  content: string,
): Promise<void> {
  await fs.promises.rm(file, { force: true });
  await fs.promises.writeFile(file, content, { mode: 0o600, flag: 'wx' });
}
