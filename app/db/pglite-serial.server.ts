import { PgliteConnection, PgliteDriver } from '@mikro-orm/pglite';

/** A FIFO async mutex: one holder at a time, waiters in arrival order. */
export class Gate {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return ready;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

const releases = new WeakMap<object, () => void>();

/**
 * PGlite is a single session. Kysely's PGlite connection is shared by every caller, so two
 * overlapping transactions (or a query issued while another request's transaction is open)
 * would run inside each other. This connection serialises them: a transaction holds the gate
 * from BEGIN to COMMIT/ROLLBACK, and every statement outside a transaction takes it briefly.
 */
export class SerialPgliteConnection extends PgliteConnection {
  readonly gate = new Gate();

  override async begin(options: Parameters<PgliteConnection['begin']>[0] = {}) {
    if (options.ctx) return super.begin(options); // a savepoint inside a transaction we already hold
    const release = await this.gate.acquire();
    try {
      const trx = await super.begin(options);
      releases.set(trx, release);
      return trx;
    } catch (err) {
      release();
      throw err;
    }
  }

  override async commit(...args: Parameters<PgliteConnection['commit']>) {
    try {
      await super.commit(...args);
    } finally {
      this.#release(args[0]);
    }
  }

  override async rollback(...args: Parameters<PgliteConnection['rollback']>) {
    try {
      await super.rollback(...args);
    } finally {
      this.#release(args[0]);
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the driver's own signature
  override async execute(...args: Parameters<PgliteConnection['execute']>): Promise<any> {
    if (args[3]) return super.execute(...args);
    return this.gate.run(() => super.execute(...args));
  }

  /** Runs raw statements (with `$n` parameters, or a multi-statement script) outside any ORM transaction. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of any statement
  async raw(text: string, values?: unknown[]): Promise<{ rows: any[] }> {
    const pglite = await this.getNativeClient();
    return this.gate.run(async () => {
      if (values?.length) return pglite.query(text, values);
      const results = await pglite.exec(text);
      return { rows: results.flatMap((r) => r.rows ?? []) };
    });
  }

  #release(ctx: object) {
    if ('savepointName' in ctx) return;
    releases.get(ctx)?.();
    releases.delete(ctx);
  }
}

export class SerialPgliteDriver extends PgliteDriver {
  constructor(config: ConstructorParameters<typeof PgliteDriver>[0]) {
    super(config);
    Reflect.set(this, 'connection', new SerialPgliteConnection(this.config));
  }
}
