/**
 * One measured step of the export benchmark, run in a process of its own so its peak RSS is its
 * own: `productos <args…>` (export, import-all, backup), or a floor to compare with. Writes
 * {"seconds","maxRssMb"} to the file named by BENCH_MEASURE_OUT.
 *
 *   node --import tsx bench/export-child.ts cli export --out FILE
 *   node --import tsx bench/export-child.ts raw-dump DB FILE     (every exported table, rows as JSON lines)
 *   node --import tsx bench/export-child.ts raw-load FILE DB     (the export's rows, one prepared INSERT each)
 *   node --import tsx bench/export-child.ts idle                 (the CLI loaded, nothing done)
 */
import { closeSync, createReadStream, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { runCli } from '../src/cli/main.ts';
import { openStore } from '../src/store/database.ts';
import { readSchema } from '../src/store/introspect.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { readLines } from '../src/usecases/export/lines.ts';
import { planExport } from '../src/usecases/export/tables.ts';

/** Every exported table's rows with plain better-sqlite3: the least any JSON export can cost. */
async function rawDump(dbPath: string, file: string): Promise<void> {
  const store = openStore(`sqlite:${dbPath}`);
  const plan = planExport(await readSchema(store.db, 'sqlite'), 'operator');
  await store.close();
  const db = new SQLite(dbPath, { readonly: true });
  const fd = openSync(file, 'w');
  for (const { table } of plan.tables) {
    const rows = db.prepare(
      `select * from "${table.name}" order by ${table.primaryKey.map((k) => `"${k}"`).join(', ')}`,
    );
    let chunk = '';
    let n = 0;
    for (const row of rows.iterate()) {
      chunk += `${JSON.stringify(row)}\n`;
      if (++n % 1000 === 0) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  }
  closeSync(fd);
  db.close();
}

/** The export's rows into a new database with one prepared INSERT per row and no checks: the floor of a restore. */
async function rawLoad(file: string, dbPath: string): Promise<void> {
  const store = openStore(`sqlite:${dbPath}`);
  await migrateToLatest(store.db);
  await store.close();
  const db = new SQLite(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec('begin');
  db.pragma('defer_foreign_keys = ON');
  for (const t of ['level_criteria', 'levels', 'principles']) db.exec(`delete from ${t}`);
  let insert: SQLite.Statement | null = null;
  let columns: string[] = [];
  for await (const line of readLines(createReadStream(file))) {
    const parsed = JSON.parse(line);
    if (parsed.type === 'table') {
      columns = parsed.columns;
      insert = db.prepare(
        `insert into "${parsed.table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      );
    } else if (parsed.row && insert) insert.run(columns.map((c) => parsed.row[c]));
  }
  db.exec('commit');
  db.close();
}

/**
 * Peak RSS of this process in MB. Linux's VmHWM belongs to this program's own address space; the
 * rusage maxRSS would also count the parent's peak, which a forked child inherits across exec.
 */
function peakRssMb(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
    if (kb > 0) return kb / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

const [mode, ...args] = process.argv.slice(2);
const started = process.hrtime.bigint();
let code = 0;
if (mode === 'cli') code = await runCli(args);
else if (mode === 'raw-dump') await rawDump(args[0], args[1]);
else if (mode === 'raw-load') await rawLoad(args[0], args[1]);
else if (mode !== 'idle') throw new Error(`unknown mode ${mode}`);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const out = process.env.BENCH_MEASURE_OUT;
if (out) writeFileSync(out, JSON.stringify({ seconds, maxRssMb: peakRssMb(), code }));
process.exitCode = code;
