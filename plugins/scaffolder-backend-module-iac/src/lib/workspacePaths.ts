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

/** Bounds of {@link refuseSymbolicLinks}: a tool's folder is small. */
export const SYMLINK_CHECK_LIMITS = { maxEntries: 20_000, maxDepth: 32 };

/** A symbolic link {@link refuseSymbolicLinks} found. */
export interface FoundLink {
  /** Path of the link, relative to the checked folder. */
  path: string;
  /** Absolute path the link points to (read, never followed). */
  target: string;
}

/**
 * Refuses a path of the workspace that passes through a symbolic link or,
 * when it is a directory, holds one anywhere below it. A link inside a tool's
 * folder would let the tool read or write what lies outside the workspace (a
 * chart's `.Files.Get`, Terraform's `file()`, an Ansible `src:`), so every
 * segment of the path and every entry below it is read with lstat and
 * readdir, never following a link. The walk is bounded by
 * {@link SYMLINK_CHECK_LIMITS}; a bigger folder is refused too.
 *
 * @param relativePath - validated by {@link resolveWorkspacePath} first
 * @param allowLink - exceptions, for links the tool itself makes
 */
export async function refuseSymbolicLinks(options: {
  workspacePath: string;
  relativePath: string;
  inputName: string;
  allowLink?: (link: FoundLink) => boolean;
}): Promise<void> {
  const { workspacePath, relativePath, inputName, allowLink } = options;
  const segments = path
    .normalize(relativePath)
    .split(/[\\/]/)
    .filter(segment => segment && segment !== '.');
  let current = workspacePath;
  for (const [index, segment] of segments.entries()) {
    current = path.join(current, segment);
    if ((await fs.promises.lstat(current)).isSymbolicLink()) {
      throw new InputError(
        `${inputName} ${relativePath} passes through the symbolic link ${segments
          .slice(0, index + 1)
          .join(
            '/',
          )}; symbolic links are not allowed in the folders a tool runs on: put the files themselves there`,
      );
    }
  }
  if (!(await fs.promises.lstat(current)).isDirectory()) {
    return;
  }

  const { maxEntries, maxDepth } = SYMLINK_CHECK_LIMITS;
  const shown = (relative: string) =>
    segments.length ? `${segments.join('/')}/${relative}` : relative;
  let seen = 0;
  const pending: Array<{ dir: string; relative: string; depth: number }> = [
    { dir: current, relative: '', depth: 0 },
  ];
  while (pending.length > 0) {
    const { dir, relative, depth } = pending.pop()!;
    if (depth > maxDepth) {
      throw new InputError(
        `${inputName} ${relativePath} is nested more than ${maxDepth} folders deep (${shown(
          relative,
        )}); the check for symbolic links stops there: keep the tool's files in a shallower folder`,
      );
    }
    for (const entry of await fs.promises.readdir(dir, {
      withFileTypes: true,
    })) {
      seen += 1;
      if (seen > maxEntries) {
        throw new InputError(
          `${inputName} ${relativePath} holds more than ${maxEntries} files and folders; the check for symbolic links stops there: keep the tool's files in a folder of their own`,
        );
      }
      const entryRelative = relative ? `${relative}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = path.resolve(dir, await fs.promises.readlink(full));
        if (!allowLink?.({ path: entryRelative, target })) {
          throw new InputError(
            `${inputName} ${relativePath} holds the symbolic link ${shown(
              entryRelative,
            )}; symbolic links are not allowed in the folders a tool runs on: replace it with the file or folder it points to`,
          );
        }
      } else if (entry.isDirectory()) {
        pending.push({ dir: full, relative: entryRelative, depth: depth + 1 });
      }
    }
  }
}
