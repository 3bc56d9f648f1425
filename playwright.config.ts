import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against the portal: the backend serves the built app on
 * :7007 (see app-config.e2e.yaml), driven by Debian's Chromium. An OpenID
 * Provider on 127.0.0.1 serves the OIDC sign-in (app-config.oidc-e2e.yaml).
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 300_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['json', { outputFile: 'e2e-test-results/playwright.json' }],
    ['html', { open: 'never', outputFolder: 'e2e-test-results/report' }],
  ],
  outputDir: 'e2e-test-results/artifacts',
  webServer: [
    {
      // The OpenID Provider of the OIDC sign-in test (oidcSignIn.test.ts), on a
      // free port. It starts first because the backend reads its metadata when
      // it starts; the issuer it prints lands in process.env.OIDC_E2E_ISSUER,
      // for app-config.oidc-e2e.yaml and the test. Its stderr shows two
      // expected warnings (in-memory storage, development login forms).
      name: 'OpenID Provider',
      command:
        'node --require @backstage/cli/config/nodeTransform.cjs packages/app/e2e-tests/oidcProvider.ts',
      wait: {
        stdout:
          /OpenID Provider at (?<oidc_e2e_issuer>http:\/\/127\.0\.0\.1:\d+)/,
      },
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The backend without the dev server's file watcher: a test run must not
      // restart it half way.
      // First the demo cost export, ending yesterday, so that "this month" and
      // "last 30 days" have data whatever the date.
      command:
        'node ../../examples/cost/generate.mjs --last-day=yesterday --out=../../.data/e2e/demo-cost/focus-demo.csv.gz > /dev/null && ' +
        'node --require @backstage/cli/config/nodeTransform.cjs src/index.ts --config ../../app-config.yaml --config ../../app-config.e2e.yaml --config ../../app-config.oidc-e2e.yaml',
      cwd: 'packages/backend',
      env: { ...process.env, NODE_ENV: 'development' } as Record<
        string,
        string
      >,
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
  use: {
    baseURL: 'http://localhost:7007',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
