import fs from 'node:fs';
import path from 'node:path';
import { createTempDir } from '../__testUtils__/testContext';
import { resolveWorkspacePath, writePrivateFile } from './workspacePaths';

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
