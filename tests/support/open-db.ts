// Opens a PGlite data folder in a separate process and holds it until stdin closes or a signal arrives.
import { openDatabase } from '../../app/db/orm.server';
import { run } from '../../app/db/sql.server';

const dataDir = process.argv[2];
try {
  const db = await openDatabase({ dataDir });
  await run(
    db.em(),
    `insert into appeal_counter (day, last) values ('child', 1)
                      on conflict (day) do update set last = appeal_counter.last + 1`,
  );
  console.log('OPENED');
  const close = async () => {
    await db.close();
    console.log('CLOSED');
    process.exit(0);
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
  process.stdin.on('end', close);
  process.stdin.resume();
} catch (err) {
  console.log(`FAILED: ${(err as Error).message}`);
  process.exit(3);
}
