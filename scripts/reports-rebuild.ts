// Recomputes the report roll-ups (facts and cells) from the appeals, with progress on stderr.
// For a changed measure definition or an imported history; the running app keeps them current otherwise.
import { dbTargetFromEnv } from '../app/db/config.server';
import { openDatabase } from '../app/db/orm.server';
import { rebuildReports } from '../app/reports/rollup.server';

const db = await openDatabase(dbTargetFromEnv());
const started = Date.now();
try {
  const { appeals } = await rebuildReports(db.em(), {
    onProgress(done, total) {
      const pct = total ? Math.floor((done / total) * 100) : 100;
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      process.stderr.write(
        `\r[reports] ${'█'.repeat(Math.floor(pct / 4)).padEnd(25, '░')} ${pct}% ${done}/${total} appeals, ${Math.round(rate)}/s   `,
      );
    },
  });
  process.stderr.write('\n');
  console.log(
    `rebuilt the report roll-ups from ${appeals} counted appeals in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await db.close();
}
