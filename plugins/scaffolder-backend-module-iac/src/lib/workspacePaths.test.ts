import fs from 'node:fs';
import path from 'node:path';
import { createTempDir } from '../__testUtils__/testContext';
import {
  refuseSymbolicLinks,
  resolveWorkspacePath,
  SYMLINK_CHECK_LIMITS,
  writePrivateFile,
} from './workspacePaths';

describe('resolveWorkspacePath', () => {
  const workspace = createTempDir();
  const outside = createTempDir();
  fs.mkdirSync(path.join(workspace, 'infra'));
  fs.writeFileSync(path.join(workspace, 'infra', 'main.tf'), '');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'x');
  fs.symlinkSync(outside, path.join(workspace, 'link-out'));
  fs.symlinkSync(
    path.join(outside, 'secret.txt'),
    path.join(workspace, 'file-out'),
  );
  fs.symlinkSync(
    path.join(workspace, 'infra'),
    path.join(workspace, 'link-in'),
  );

  it('resolves paths inside the workspace, following links that stay inside', async () => {
    const real = fs.realpathSync(workspace);
    await expect(
      resolveWorkspacePath(workspace, 'infra', 'directory', 'dir'),
    ).resolves.toBe(path.join(real, 'infra'));
    await expect(
      resolveWorkspacePath(workspace, 'link-in/main.tf', 'file', 'file'),
    ).resolves.toBe(path.join(real, 'infra', 'main.tf'));
    await expect(
      resolveWorkspacePath(workspace, '.', 'directory', 'dir'),
    ).resolves.toBe(real);
  });

  it.each([
    ['/etc', 'must be a path inside the workspace, not an absolute path'],
    ['../x', "must not contain '..' segments"],
    ['infra/../../x', "must not contain '..' segments"],
    ['link-out', 'leads outside the workspace through a symbolic link'],
    ['file-out', 'leads outside the workspace through a symbolic link'],
    [
      'link-out/secret.txt',
      'leads outside the workspace through a symbolic link',
    ],
    ['missing', 'does not exist in the workspace'],
  ])('rejects %s', async (relative, message) => {
    await expect(
      resolveWorkspacePath(workspace, relative, 'file or directory', 'path'),
    ).rejects.toThrow(message);
  });

  it('checks what kind of entry the path names', async () => {
    await expect(
      resolveWorkspacePath(workspace, 'infra', 'file', 'playbook'),
    ).rejects.toThrow('playbook is not a file: infra');
  });
});

describe('writePrivateFile', () => {
  it('creates the file with mode 0600, replacing an existing one', async () => {
    const file = path.join(createTempDir(), 'vars.json');
    fs.writeFileSync(file, 'old', { mode: 0o644 });
    await writePrivateFile(file, '{"a":1}');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":1}');
  });
});

describe('issue 9 case 6: refuseSymbolicLinks', () => {
  const check = (workspacePath: string, relativePath: string) =>
    refuseSymbolicLinks({ workspacePath, relativePath, inputName: 'folder' });

  it('accepts a folder of plain files and folders, and a plain file', async () => {
    const workspace = createTempDir();
    fs.mkdirSync(path.join(workspace, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'a', 'b', 'f'), '');
    await expect(check(workspace, 'a')).resolves.toBeUndefined();
    await expect(check(workspace, '.')).resolves.toBeUndefined();
    await expect(check(workspace, 'a/b/f')).resolves.toBeUndefined();
  });

  it('refuses a link below the folder and a path through a link, without following either', async () => {
    const workspace = createTempDir();
    fs.mkdirSync(path.join(workspace, 'a', 'b'), { recursive: true });
    // A dangling link: following it would fail differently.
    fs.symlinkSync('/nonexistent', path.join(workspace, 'a', 'b', 'dangling'));
    await expect(check(workspace, 'a')).rejects.toThrow(
      'folder a holds the symbolic link a/b/dangling;',
    );
    await expect(check(workspace, '.')).rejects.toThrow(
      'folder . holds the symbolic link a/b/dangling;',
    );
    fs.symlinkSync(path.join(workspace, 'a'), path.join(workspace, 'via'));
    await expect(check(workspace, 'via/b')).rejects.toThrow(
      'folder via/b passes through the symbolic link via;',
    );
  });

  it('stops at its bounds with a message', async () => {
    const deep = createTempDir();
    const nested = Array.from(
      { length: SYMLINK_CHECK_LIMITS.maxDepth + 1 },
      (_, i) => `d${i}`,
    );
    fs.mkdirSync(path.join(deep, ...nested), { recursive: true });
    await expect(check(deep, '.')).rejects.toThrow(
      `folder . is nested more than ${SYMLINK_CHECK_LIMITS.maxDepth} folders deep`,
    );

    const wide = createTempDir();
    for (let i = 0; i <= SYMLINK_CHECK_LIMITS.maxEntries; i += 1) {
      fs.writeFileSync(path.join(wide, `f${i}`), '');
    }
    await expect(check(wide, '.')).rejects.toThrow(
      `folder . holds more than ${SYMLINK_CHECK_LIMITS.maxEntries} files and folders`,
    );
  });
});
