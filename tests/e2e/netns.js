'use strict';
// Network namespaces for call tests across a real relay: a server namespace (Kefu + coturn) and two
// client namespaces, each linked to the server by its own veth pair and to nothing else. The server
// namespace does not forward, so the clients can reach the server's address and never each other; no
// interface is in the machine's own namespace, so nothing can route out of the machine.
//
//   visitor 10.77.1.2 ──veth── 10.77.1.1 [server, 10.77.0.1 on lo] 10.77.2.1 ──veth── 10.77.2.2 agent
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');

const SERVER_IP = '10.77.0.1';
const CHROMIUM = process.env.KEFU_CHROMIUM || '/usr/bin/chromium'; // read once: tests point KEFU_CHROMIUM at wrappers

function run(cmd, args, { ignore = false } = {}) {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    if (ignore) return '';
    throw new Error(`${cmd} ${args.join(' ')}: ${(e.stderr || e.message).trim()}`);
  }
}
const ip = (...args) => run('ip', args);
const inNs = (ns, cmd, ...args) => run('ip', ['netns', 'exec', ns, cmd, ...args]);

const made = new Set(); // namespaces of this process, removed on exit whatever happens

function removeNamespace(ns) {
  // Processes left inside (a browser, the server, coturn) would keep it alive.
  for (const pid of run('ip', ['netns', 'pids', ns], { ignore: true }).split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
  run('ip', ['netns', 'del', ns], { ignore: true });
  made.delete(ns);
}
process.on('exit', () => {
  for (const ns of [...made]) removeNamespace(ns);
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const ns of [...made]) removeNamespace(ns);
    process.exit(130);
  });
}

// Null when namespaces can be made here, else why not (the test then skips and says so).
function unavailable() {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'network namespaces need root (run the tests as root, as CI does)';
  try {
    run('ip', ['-V']);
  } catch {
    return 'iproute2 (ip) is not installed';
  }
  const probe = `kfprobe${process.pid}`;
  try {
    ip('netns', 'add', probe);
  } catch (e) {
    return `cannot create a network namespace: ${e.message}`;
  }
  run('ip', ['netns', 'del', probe], { ignore: true });
  return null;
}

// Builds the three namespaces; returns their names, addresses and helpers.
function createTopology() {
  const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`.slice(-6);
  const ns = { server: `kfs${tag}`, visitor: `kfv${tag}`, agent: `kfa${tag}` };
  try {
    for (const n of Object.values(ns)) {
      ip('netns', 'add', n);
      made.add(n);
      ip('-n', n, 'link', 'set', 'lo', 'up');
    }
    inNs(ns.server, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0');
    ip('-n', ns.server, 'addr', 'add', `${SERVER_IP}/32`, 'dev', 'lo');
    const link = (client, side, subnet) => {
      const a = `s${side}${tag}`; // interface names stay under 16 characters
      const b = `c${side}${tag}`;
      ip('link', 'add', a, 'netns', ns.server, 'type', 'veth', 'peer', 'name', b, 'netns', client);
      ip('-n', ns.server, 'addr', 'add', `${subnet}.1/24`, 'dev', a);
      ip('-n', client, 'addr', 'add', `${subnet}.2/24`, 'dev', b);
      ip('-n', ns.server, 'link', 'set', a, 'up');
      ip('-n', client, 'link', 'set', b, 'up');
      ip('-n', client, 'route', 'add', `${SERVER_IP}/32`, 'via', `${subnet}.1`);
    };
    link(ns.visitor, 'v', '10.77.1');
    link(ns.agent, 'a', '10.77.2');
  } catch (e) {
    for (const n of Object.values(ns)) removeNamespace(n);
    throw e;
  }
  const wrappers = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-netns-'));
  return {
    ns,
    serverIp: SERVER_IP,
    visitorIp: '10.77.1.2',
    agentIp: '10.77.2.2',
    // An executable that starts Chromium inside `n` (Playwright launches it like the real one).
    chromiumIn(n) {
      const file = path.join(wrappers, `chromium-${n}`);
      fs.writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${n} ${CHROMIUM} "$@"\n`, { mode: 0o755 });
      return file;
    },
    // True when `n` has a route to `address` (the clients must have none to each other).
    routes(n, address) {
      try {
        ip('-n', n, 'route', 'get', address);
        return true;
      } catch {
        return false;
      }
    },
    // True when processes (a browser) run inside `n`.
    holds(n) {
      return run('ip', ['netns', 'pids', n], { ignore: true }).trim() !== '';
    },
    // Drops every UDP datagram from `n` to `address`: only TURN over TCP is left.
    blockUdp(n, address) {
      inNs(n, 'iptables', '-w', '-A', 'OUTPUT', '-p', 'udp', '-d', address, '-j', 'DROP');
    },
    unblockUdp(n, address) {
      inNs(n, 'iptables', '-w', '-D', 'OUTPUT', '-p', 'udp', '-d', address, '-j', 'DROP');
    },
    destroy() {
      for (const n of Object.values(ns)) removeNamespace(n);
      fs.rmSync(wrappers, { recursive: true, force: true });
    },
  };
}

// Headless Chromium inside namespace `ns` of topology `net`, started with the harness's `launch`. Plain
// http on an address that is not loopback is no secure context: no getUserMedia without the flag.
// One at a time: it swaps KEFU_CHROMIUM while the browser starts.
async function launchIn(net, ns, launch, origin) {
  const prev = process.env.KEFU_CHROMIUM;
  process.env.KEFU_CHROMIUM = net.chromiumIn(ns);
  try {
    return await launch([`--unsafely-treat-insecure-origin-as-secure=${origin}`]);
  } finally {
    if (prev === undefined) delete process.env.KEFU_CHROMIUM;
    else process.env.KEFU_CHROMIUM = prev;
  }
}

// Signs the console in at `origin` (inside a namespace just made). Its first load there can lose a
// module request to a link still coming up, leaving the page without its login form: then the page's
// errors are printed and it is loaded once more. Resolves once the standing peer is registered.
async function consoleLogin(page, origin, user, pass, until) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
  for (let attempt = 0; ; attempt++) {
    await page.goto(`${origin}/agent/`);
    try {
      await page.waitForSelector('#login-user', { state: 'visible', timeout: 10000 });
      break;
    } catch (e) {
      if (attempt) throw new Error(`the console shows no login form: ${errors.join('; ') || 'no page error'}`);
      console.log(`# the console's first load showed no login form (${errors.join('; ') || 'no page error'}); loading it again`);
    }
  }
  await page.fill('#login-user', user);
  await page.fill('#login-pass', pass);
  await page.click('#login-submit');
  await until(() => page.evaluate(() => !!window.__kefuAgent.peerId), { timeout: 15000, what: 'the console\'s standing peer' });
}

// The Kefu server inside the server namespace of `net`, at SERVER_IP:`port`; resolves once it has printed
// its whole banner (the TURN line comes after "listening", and a pipe may deliver them apart) or has
// exited. What it wrote is in `child.log()`.
async function startServerIn(net, { port, dataDir, env, until }) {
  const child = spawn('ip', ['netns', 'exec', net.ns.server, process.execPath, path.join(__dirname, '../../shell/server.js'),
    '--host', SERVER_IP, '--port', String(port), '--data', dataDir], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  child.log = () => log;
  await until(() => child.exitCode !== null || /Kefu server listening[^]*\n {2}data /.test(log), { timeout: 15000, what: 'the server' });
  return child;
}

// Closes the browsers, stops the server (SIGTERM, 3 s at most) and removes the namespaces: each part only
// where it was made.
async function tearDown({ browsers = [], server, net }) {
  for (const b of browsers) if (b) await b.close().catch(() => {});
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  }
  if (net) net.destroy();
}

const have = (bin) => ['/usr/bin', '/usr/sbin', '/sbin', '/bin'].some((d) => fs.existsSync(path.join(d, bin)));

module.exports = { unavailable, createTopology, have, launchIn, consoleLogin, startServerIn, tearDown, SERVER_IP };
