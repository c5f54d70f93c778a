// ejabberd (Debian's package, GPL-2.0, run as a separate program, never linked), the XMPP server
// the peer scenario measures us against: installed from Debian's packages when missing (as root,
// like the test tools), configured from Debian's own /etc/ejabberd/ejabberd.yml with the changes
// benchConfig makes, on a fresh SQLite file in WAL mode, and started as its own Erlang node.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freeLoopbackPort } from '../support.mts';

const PACKAGES = ['ejabberd', 'erlang-p1-sqlite3', 'sqlite3'];
const DEBIAN_CONFIG = '/etc/ejabberd/ejabberd.yml';
const SCHEMA = '/usr/share/ejabberd/sql/lite.sql';
const CTL = '/usr/sbin/ejabberdctl';
const NODE = 'ejabberd-bench@localhost';
export const XMPP_DOMAIN = 'localhost';

/** The installed ejabberd's version ("23.01"), installing the packages first when one is missing. */
export function ensureEjabberd(): string {
  const missing = PACKAGES.filter((name) => !spawnSync('dpkg-query', ['-W', '-f', '${Status}', name], { encoding: 'utf8' }).stdout.includes('install ok installed'));
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) throw new Error(`the peer scenario needs Debian's ${missing.join(', ')}: install them with apt-get, or run it as root`);
    console.log(`installing Debian's ${missing.join(', ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
      const done = spawnSync('apt-get', args, { env, stdio: 'inherit' });
      if (done.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${done.status})`);
    }
  }
  // "23.01-1+deb12u1": the upstream release is before the first dash.
  return spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'ejabberd'], { encoding: 'utf8' }).stdout.split('-')[0];
}

/**
 * What we change in Debian's ejabberd.yml, each with its reason in docs/benchmarks/README.md
 * ("Peer: ejabberd"): the SQLite file for everything (accounts, archive, offline storage);
 * `mod_mam` archiving every message (its default archives nothing); no traffic shapers; one
 * client listener and the HTTP API on loopback, no TLS (neither side of the benchmark has it); the
 * benchmark's accounts registered through that API without a throttle; logs at warning; no MQTT, federation or STUN listeners.
 */
export function benchConfig(debian: Record<string, any>, ports: { c2s: number; http: number }, database: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const config = structuredClone(debian);
  config.loglevel = 'warning';
  delete config.certfiles;
  config.default_db = 'sql';
  config.sql_type = 'sqlite';
  config.sql_database = database;
  config.auth_method = 'sql';
  config.registration_timeout = 'infinity';
  config.listen = [
    { port: ports.c2s, ip: '127.0.0.1', module: 'ejabberd_c2s', max_stanza_size: 262144, shaper: 'none', access: 'c2s', starttls_required: false, backlog: 1024 },
    { port: ports.http, ip: '127.0.0.1', module: 'ejabberd_http', request_handlers: { '/api': 'mod_http_api' } },
  ];
  config.api_permissions = { ...config.api_permissions, 'bench registration': { from: ['mod_http_api'], who: { ip: '127.0.0.1/8' }, what: ['register'] } };
  config.shaper_rules = { ...config.shaper_rules, c2s_shaper: 'none' };
  delete config.modules.mod_mqtt;
  config.modules.mod_mam = { default: 'always' };
  return config;
}

export interface RunningEjabberd {
  /** The client listener, `xmpp://127.0.0.1:port`. */
  service: string;
  httpUrl: string;
  pid: number;
  label: string;
  /** Rows in the message archive (mod_mam): two per message, the sender's and the recipient's. */
  archivedRows(): number;
  stop(): Promise<void>;
}

/** Starts ejabberd on a fresh SQLite file in a folder of its own; resolves once its node has started. */
export async function startEjabberd(): Promise<RunningEjabberd> {
  const release = ensureEjabberd();
  const dir = mkdtempSync(join(tmpdir(), 'ejabberd-bench-'));
  const owner = ejabberdUser();
  const database = join(dir, 'ejabberd.db');
  // The schema Debian ships, in a file the ejabberd user owns; WAL stays with the file.
  const made = spawnSync('sqlite3', [database], { input: `PRAGMA journal_mode=WAL;\n${readFileSync(SCHEMA, 'utf8')}`, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`could not create ${database}: ${made.stderr}`);
  const ports = { c2s: await freeLoopbackPort(), http: await freeLoopbackPort() };
  const configFile = join(dir, 'ejabberd.yml');
  writeFileSync(configFile, stringify(benchConfig(parse(readFileSync(DEBIAN_CONFIG, 'utf8')), ports, database)));
  // ejabberdctl's own settings: Debian's would point it back at /etc/ejabberd/ejabberd.yml.
  const ctlConfig = join(dir, 'ejabberdctl.cfg');
  writeFileSync(ctlConfig, `ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"\nEJABBERD_PID_PATH=${join(dir, 'ejabberd.pid')}\n`);
  for (const file of [dir, database, configFile, ctlConfig]) chownSync(file, owner.uid, owner.gid);
  const ctl = (...args: string[]) =>
    spawnSync(CTL, ['--node', NODE, '--ctl-config', ctlConfig, '--config', configFile, '--spool', dir, '--logs', dir, ...args], { encoding: 'utf8', cwd: dir });
  const started = ctl('start');
  if (started.status !== 0) throw new Error(`ejabberdctl start failed: ${started.stderr || started.stdout}`);
  const ready = ctl('started');
  if (ready.status !== 0) {
    ctl('stop');
    throw new Error(`ejabberd did not start: ${ready.stdout}${logTail(dir)}`);
  }
  const pid = Number(spawnSync('pgrep', ['-f', `beam.*${NODE}`], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
  if (!pid) throw new Error(`ejabberd started but its process was not found${logTail(dir)}`);
  return {
    service: `xmpp://127.0.0.1:${ports.c2s}`,
    httpUrl: `http://127.0.0.1:${ports.http}`,
    pid,
    label: `ejabberd ${release} (SQLite)`,
    archivedRows: () => Number(spawnSync('sqlite3', [database, 'SELECT count(*) FROM archive'], { encoding: 'utf8' }).stdout.trim()),
    stop: async () => {
      ctl('stop');
      ctl('stopped');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ejabberdUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'ejabberd'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

function logTail(dir: string): string {
  try {
    return `\n${readFileSync(join(dir, 'ejabberd.log'), 'utf8').slice(-3000)}`;
  } catch {
    return '';
  }
}

/** Registers `users` (name and password) through the loopback HTTP API, fifty at a time. */
export async function registerXmppUsers(httpUrl: string, users: { username: string; password: string }[]): Promise<void> {
  for (let i = 0; i < users.length; i += 50) {
    await Promise.all(
      users.slice(i, i + 50).map(async ({ username, password }) => {
        const response = await fetch(`${httpUrl}/api/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user: username, host: XMPP_DOMAIN, password }),
        });
        if (!response.ok) throw new Error(`registering ${username}: ${response.status} ${await response.text()}`);
      }),
    );
  }
}
