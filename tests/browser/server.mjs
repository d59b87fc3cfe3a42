// `ave serve --demo` as a user starts it: a fresh data directory, a free port (port 0; the
// address is read from what the server prints), and the demo accounts it prints. The TOTP
// code of an account comes from `ave account code` on the same database while the server
// runs.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// The variables `ave` reads its configuration from; a developer's own settings must never
// change a run.
const CONFIG_VARS = [
  'AVE_CONFIG', 'AVE_DATABASE', 'AVE_DATA_DIR', 'AVE_LISTEN', 'AVE_LOG', 'AVE_LOG_FORMAT',
  'AVE_TLS_CERT', 'AVE_TLS_KEY', 'AVE_TRUSTED_PROXY', 'AVE_PROCESSING_KEY',
];

function cleanEnv(dataDir) {
  const env = { ...process.env };
  for (const name of CONFIG_VARS) delete env[name];
  env.AVE_DATA_DIR = dataDir;
  env.AVE_LOG = 'warn';
  return env;
}

/**
 * Starts the server; resolves when `/health/ready` answers 200.
 * @param {string} bin the `ave` binary
 * @returns {Promise<{base: string, password: string, accounts: {login: string, kind: string}[],
 *   code: (login: string) => string, stop: () => Promise<void>, log: () => string}>}
 */
export async function startServer(bin, { startupSeconds = 600 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ave-browser-'));
  const database = `sqlite://${join(dataDir, 'demo.sqlite')}`;
  const env = cleanEnv(dataDir);
  const child = spawn(bin, ['serve', '--demo', '--database', database, '--listen', '127.0.0.1:0'], {
    cwd: dataDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  let password = null;
  const accounts = [];
  let exited = null;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  createInterface({ input: child.stderr }).on('line', (line) => output.push(`[ave stderr] ${line}`));
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`ave serve gaf binnen ${startupSeconds} s geen adres:\n${output.join('\n')}`)),
      startupSeconds * 1000,
    );
    exitedPromise.then((e) => {
      clearTimeout(timer);
      reject(new Error(`ave serve stopte (${JSON.stringify(e)}) voordat het luisterde:\n${output.join('\n')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(`[ave] ${line}`);
      const pw = line.match(/wachtwoord voor allemaal: (\S+?)\):?\s*$/);
      if (pw) password = pw[1];
      // "  <login>  <gemeente or role>  TOTP-geheim <secret>"
      const acc = line.match(/^\s+(\S+)\s+(.+?)\s+TOTP-geheim\s+\S+/);
      if (acc) accounts.push({ login: acc[1], kind: acc[2] });
      const at = line.match(/luistert op (https?:\/\/[^/\s]+)\//);
      if (at) {
        clearTimeout(timer);
        resolve(at[1]);
      }
    });
  });
  if (!password) throw new Error(`ave serve --demo noemde geen demo-wachtwoord:\n${output.join('\n')}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/health/ready`);
      if (r.status === 200) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${base}/health/ready werd niet 200`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const code = (login) => {
    const r = spawnSync(bin, ['account', 'code', '--gebruikersnaam', login, '--database', database], {
      cwd: dataDir,
      env,
      encoding: 'utf8',
    });
    const found = r.stdout && r.stdout.trim().match(/^\d{6}$/);
    if (r.status !== 0 || !found) {
      throw new Error(`ave account code --gebruikersnaam ${login} faalde (${r.status}): ${r.stdout}${r.stderr}`);
    }
    return found[0];
  };
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { base, password, accounts, code, stop, log: () => output.join('\n') };
}
