import { test as base, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { binary, serverEnv, site as siteDir } from '../server';

export { expect };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Each worker runs its own server, on its own port, with its own fresh demo data: journeys that
 * run at the same time in two workers never see each other's votes, teams or audit lines. A
 * server that panicked while a worker used it fails the run, even if every page looked right.
 */
export const test = base.extend<object, { site: string }>({
  site: [
    async ({}, use, worker) => {
      const port = Number(process.env.E2E_PORT || 3100) + 10 + worker.parallelIndex;
      const dir = `${siteDir}/e2e/worker-${worker.parallelIndex}`;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const log = `${dir}/server.log`;
      const output: string[] = [];
      const server = spawn(binary, [], {
        env: { ...process.env, ...serverEnv(port, dir) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout.on('data', (chunk) => output.push(String(chunk)));
      server.stderr.on('data', (chunk) => output.push(String(chunk)));
      let failed: Error | undefined;
      server.on('error', (err) => (failed = err));
      const running = () => !failed && server.exitCode === null && server.signalCode === null;
      const exited = once(server, 'exit').catch(() => undefined);
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (!running()) {
          writeFileSync(log, output.join(''));
          throw new Error(`the server stopped (${failed ?? server.exitCode ?? server.signalCode}): see ${log}`);
        }
        const up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
        if (up) break;
        if (Date.now() > deadline) throw new Error(`the server did not answer on ${url}: see ${log}`);
        await sleep(250);
      }
      await use(url);
      // Asked to stop as a service manager asks; it finishes what it answers within seconds.
      if (running()) {
        server.kill('SIGTERM');
        const stopped = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
        if (!stopped) {
          server.kill('SIGKILL');
          await exited;
          output.push('the server did not stop within 30 s of SIGTERM\n');
        }
      }
      writeFileSync(log, output.join(''));
      expect(output.join(''), `the server stopped when asked (${log})`).not.toContain('did not stop within');
      // Each panic with what it said (what was missing or disposed, where it was made) and the
      // frames of our own code in its backtrace: the log file is written again when a later
      // worker restarts the server.
      const lines = output.join('').split('\n');
      const ours = /^\s+\d+: (app|server|vidan)::/;
      const panics = lines.flatMap((line, i) => {
        if (!line.includes('panicked')) return [];
        // Up to the next panic: a message may take several lines.
        const trace = lines.slice(i + 1, i + 400);
        const end = trace.findIndex((l) => l.includes('panicked'));
        const frames = (end < 0 ? trace : trace.slice(0, end)).flatMap((l, j, all) =>
          ours.test(l) ? [l, all[j + 1] ?? ''] : [],
        );
        return [[line, lines[i + 1] ?? '', ...frames.slice(0, 24)].join('\n')];
      });
      expect(panics, `the server panicked (${log})`).toEqual([]);
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  baseURL: async ({ site }, use) => use(site),
});
