// Starts a real Simpul server for one test file and stops it afterwards.
//
//   $SIMPUL_BIN serve --demo --listen 127.0.0.1:0 --data-dir <fresh tmp dir>
//                     [--database-url $SIMPUL_DATABASE_URL]
//
// The server prints a line containing `http://127.0.0.1:PORT` on stdout once it
// listens; the first such URL is the base URL. Its stderr (and stdout, for
// context) go to e2e/artifacts/server-<name>.log.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

import { ARTIFACTS_DIR, E2E_DIR, assertSafeName, ensureArtifactsDir } from './paths.mjs';

const URL_RE = /http:\/\/127\.0\.0\.1:(\d+)/;

/** Milliseconds to wait for the "listening" line and the first HTTP answer. */
const START_TIMEOUT_MS = Number(process.env.SIMPUL_START_TIMEOUT_MS || 60_000);
const STOP_TIMEOUT_MS = 10_000;

/** Path of the server binary: $SIMPUL_BIN (relative to the cwd) or ../target/debug/simpul. */
export function serverBinary() {
  const fromEnv = process.env.SIMPUL_BIN;
  if (fromEnv) return isAbsolute(fromEnv) ? fromEnv : resolve(process.cwd(), fromEnv);
  return resolve(E2E_DIR, '..', 'target', 'debug', 'simpul');
}

function tail(path, lines = 40) {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Servers started by this process: { child, dataDir }. */
const running = new Set();

/** Signal the server's whole process group (it is started detached, as leader). */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

process.on('exit', () => {
  // Last resort if a test file dies before its after() hook ran.
  for (const { child, dataDir } of running) {
    if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/**
 * Start the server. Returns { url, logPath, dataDir, child, stop() }.
 * `url` has no trailing slash, e.g. "http://127.0.0.1:41234".
 */
export async function startServer(name) {
  assertSafeName(name);
  ensureArtifactsDir();
  const bin = serverBinary();
  if (!existsSync(bin)) {
    throw new Error(
      `server binary not found at ${bin}; build it (cargo build) or set SIMPUL_BIN to its path`,
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), `simpul-e2e-${name}-`));
  const args = ['serve', '--demo', '--listen', '127.0.0.1:0', '--data-dir', dataDir];
  if (process.env.SIMPUL_DATABASE_URL) {
    args.push('--database-url', process.env.SIMPUL_DATABASE_URL);
  }

  const logPath = join(ARTIFACTS_DIR, `server-${name}.log`);
  const log = createWriteStream(logPath, { flags: 'w' });
  log.on('error', () => {});
  let logOpen = true;
  const logWrite = (text) => {
    if (logOpen) log.write(text);
  };
  logWrite(`# ${bin} ${args.join(' ').replace(/--database-url \S+/, '--database-url <redacted>')}\n`);

  const child = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so stop() also reaches any helpers it forks
    env: { ...process.env, RUST_BACKTRACE: process.env.RUST_BACKTRACE || '1' },
  });
  const entry = { child, dataDir };
  running.add(entry);
  child.stderr.on('data', (chunk) => logWrite(chunk));

  let exited = null;
  const exitPromise = new Promise((resolveExit) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolveExit(exited);
    });
    child.on('error', (err) => {
      logWrite(`# spawn error: ${err.message}\n`);
      exited ??= { error: err.message };
      resolveExit(exited);
    });
  });
  const closePromise = new Promise((resolveClose) => child.on('close', resolveClose));

  const urlPromise = new Promise((resolveUrl, rejectUrl) => {
    let found = false;
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      logWrite(`[stdout] ${line}\n`);
      const m = URL_RE.exec(line);
      if (m && !found) {
        found = true;
        resolveUrl(m[0]);
      }
    });
    rl.on('close', () => {
      if (!found) rejectUrl(new Error('server stdout closed before it printed its URL'));
    });
  });
  urlPromise.catch(() => {}); // handled below; never an unhandled rejection

  let stopped = null;
  const stop = () => {
    stopped ??= (async () => {
      if (exited === null) {
        signalGroup(child, 'SIGTERM');
        const timer = sleep(STOP_TIMEOUT_MS, 'timeout', { ref: false });
        if ((await Promise.race([exitPromise, timer])) === 'timeout') {
          logWrite(`# server did not exit ${STOP_TIMEOUT_MS} ms after SIGTERM; sending SIGKILL\n`);
          signalGroup(child, 'SIGKILL');
          await exitPromise;
        }
      }
      // Let its last output reach the log, then close the pipes regardless.
      const closed = await Promise.race([closePromise.then(() => true), sleep(2_000, false, { ref: false })]);
      // Pipes still open: a process it forked (same group) holds them.
      if (!closed) signalGroup(child, 'SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      logWrite(`# server exited: ${JSON.stringify(exited)}\n`);
      logOpen = false;
      await new Promise((r) => log.end(r));
      rmSync(dataDir, { recursive: true, force: true });
      running.delete(entry);
      return exited;
    })();
    return stopped;
  };

  const fail = async (why) => {
    await stop();
    throw new Error(`${why}\n--- ${logPath} (tail) ---\n${tail(logPath)}`);
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  let url;
  try {
    url = await new Promise((resolveStart, rejectStart) => {
      const timer = setTimeout(
        () => rejectStart(new Error(`server printed no http://127.0.0.1:PORT line within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const settle = (fn, value) => {
        clearTimeout(timer);
        fn(value);
      };
      urlPromise.then(
        (u) => settle(resolveStart, u),
        (err) => settle(rejectStart, err),
      );
      exitPromise.then((e) =>
        settle(rejectStart, new Error(`server exited before listening: ${JSON.stringify(e)}`)),
      );
    });
  } catch (err) {
    return fail(err.message);
  }

  // Wait until it actually answers HTTP (any status counts).
  let lastErr;
  for (;;) {
    if (exited !== null) return fail(`server exited while starting: ${JSON.stringify(exited)}`);
    try {
      const res = await fetch(`${url}/`, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      break;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) return fail(`server at ${url} did not answer HTTP: ${lastErr?.message}`);
    await sleep(100);
  }

  return { url, logPath, dataDir, child, stop };
}
