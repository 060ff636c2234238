// Runs every suite (typecheck, lint, format, import walls, unit + integration on PGlite and
// PostgreSQL, browser journeys) and ends with one line that sums them: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;

function run(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

function vitest(name, config, file) {
  rmSync(file, { force: true });
  const code = run(name, 'vitest', [
    'run',
    ...(config ? ['-c', config] : []),
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${file}`,
  ]);
  if (!existsSync(file)) {
    console.log(`${name}: no report written (exit ${code}); counted as one failure`);
    failed += 1;
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A suite that failed to load has no failed tests but a failed file: count it.
  const brokenFiles = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed'),
  ).length;
  failed += brokenFiles;
  if (code !== 0 && report.numFailedTests === 0 && brokenFiles === 0) failed += 1;
}

// Checks that pass or fail as a whole: each counts as one test.
for (const [name, cmd, args] of [
  ['typecheck', 'tsc', ['--noEmit']],
  ['lint', 'eslint', ['.']],
  ['format', 'prettier', ['--check', '.']],
  [
    'import walls',
    'depcruise',
    ['app', 'machines', 'telephony', 'entities', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
  ],
]) {
  if (run(name, cmd, args) === 0) passed += 1;
  else failed += 1;
}

vitest('unit and integration', null, 'test-results/unit.json');

if (run('build', 'remix', ['build']) === 0) vitest('browser', 'vitest.e2e.config.ts', 'test-results/e2e.json');
else failed += 1;

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
