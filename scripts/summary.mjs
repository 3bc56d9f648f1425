// Prints the closing summary of `make test` from the runners' JSON reports:
// one line per runner and a total, as `N passed, N failed`.
import { existsSync, readFileSync } from 'node:fs';

const [jestReport, playwrightReport] = process.argv.slice(2);
const lines = [];
let passed = 0;
let failed = 0;
if (existsSync(jestReport)) {
  const jest = JSON.parse(readFileSync(jestReport, 'utf8'));
  lines.push(
    `unit: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed`,
  );
  passed += jest.numPassedTests;
  failed += jest.numFailedTests;
}
if (existsSync(playwrightReport)) {
  const { stats } = JSON.parse(readFileSync(playwrightReport, 'utf8'));
  const pwFailed = stats.unexpected + stats.flaky;
  lines.push(`e2e: ${stats.expected} passed, ${pwFailed} failed`);
  passed += stats.expected;
  failed += pwFailed;
}
console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
