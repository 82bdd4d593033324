// How the browser tests run the server cargo-leptos built: on a fresh SQLite file with the demo
// data, on a port of its own. The binary lives in cargo's target dir (which may be shared); the
// site files in ../target/site.
export const target = process.env.CARGO_TARGET_DIR || '../target';
export const site = '../target';
export const binary = `${target}/debug/vidan`;

/** The environment of a server on `port` whose database and files live in `dir`. */
export function serverEnv(port: number, dir: string): Record<string, string> {
  return {
    VIDAN_ADDR: `127.0.0.1:${port}`,
    DATABASE_URL: `sqlite://${dir}/vidan.db?mode=rwc`,
    // Stored files' bytes beside the database, made anew each run (never in the source tree).
    VIDAN_FILES_DIR: `${dir}/files`,
    LEPTOS_SITE_ROOT: `${site}/site`,
    // The demo accounts and the development mailbox (which shows the codes) are asked for.
    VIDAN_ENV: 'development',
    VIDAN_DEMO_DATA: 'true',
    // Journeys check what one person changed from another's point of view straight away;
    // the anonymous page cache (integration-tested in server/tests/site.rs) would hold it back.
    VIDAN_PAGE_CACHE_MS: '0',
    // Behind nginx (the last project): the address and request id it gives are taken.
    VIDAN_TRUST_PROXY: 'true',
    RUST_LOG: 'warn',
    // A panic's backtrace names the frames of our code that led to it (site.ts reports them).
    RUST_BACKTRACE: '1',
  };
}
