'use strict';
// node shell/admin.js on a data folder, with the server stopped and with it running.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { spawnSync, spawn } = require('child_process');
const { startServer, api, agentLogin, agentSocket, tempDir } = require('./helpers');

const CLI = path.join(__dirname, '../../shell/admin.js');
const env = { ...process.env, KEFU_DATA: '' };
function cli(dataDir, ...args) {
  const r = spawnSync(process.execPath, [CLI, '--data', dataDir, ...args], { encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
// Asynchronous, so the in-process server keeps serving while the CLI writes.
function cliAsync(dataDir, ...args) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, '--data', dataDir, ...args], { env });
    let out = '';
    let errText = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { errText += d; });
    p.on('close', (code) => resolve({ code, out, err: errText }));
  });
}

test('with the server stopped: add, list, passwd, set-role, remove, and clear refusals', async () => {
  const dir = tempDir();
  assert.equal(cli(dir, 'add', 'li', '--name', '小李', '--password', 'li-pass-123').code, 0);
  const gen = cli(dir, 'add', 'boss', '--role', 'admin');
  assert.equal(gen.code, 0);
  const bossPass = /password: (\S+)/.exec(gen.out)[1];
  assert.match(cli(dir, 'list').out, /^li\tagent\t小李\tdefault$/m);
  assert.equal(cli(dir, 'add', 'li', '--password', 'li-pass-123').code, 1);
  assert.match(cli(dir, 'add', 'x', '--password', 'short').err, /password must be/);
  assert.match(cli(dir, 'remove', 'boss').err, /last admin/);
  assert.equal(cli(dir, 'set-role', 'li', 'root').code, 1);
  assert.equal(cli(dir, 'frobnicate', 'li').code, 2);
  assert.equal(cli(dir, 'passwd', 'ghost', '--password', 'whatever-1').code, 1);
  const stdin = spawnSync(process.execPath, [CLI, '--data', dir, 'passwd', 'li', '--password-stdin'], { input: 'from-stdin-9\n', encoding: 'utf8', env });
  assert.equal(stdin.status, 0);
  // The server starts on that folder: the accounts work, boss is the admin (no other admin is made).
  const srv = await startServer({ dataDir: dir });
  const li = await agentLogin(srv, 'li', 'from-stdin-9');
  const boss = await agentLogin(srv, 'boss', bossPass);
  assert.equal((await api(srv, 'GET', '/api/admin/agents', { token: li })).status, 403);
  const agents = (await api(srv, 'GET', '/api/admin/agents', { token: boss })).json.agents;
  assert.deepEqual(agents.filter((a) => a.role === 'admin').map((a) => a.username), ['boss']);
  await srv.close();
  assert.equal(cli(dir, 'remove', 'li').code, 0);
  assert.doesNotMatch(cli(dir, 'list').out, /^li\t/m);
});

test('with the server running: a new password or a removed account ends its tokens and sockets at once', async () => {
  const srv = await startServer({ adminPass: 'admin-pass-1', accountPollMs: 100 });
  srv.accounts.add({ username: 'li', name: '小李', password: 'li-pass-123' });
  srv.accounts.add({ username: 'wang', name: '小王', password: 'wang-pass-1' });
  const liToken = await agentLogin(srv, 'li', 'li-pass-123');
  const wangToken = await agentLogin(srv, 'wang', 'wang-pass-1');
  const liWs = await agentSocket(srv, liToken);
  const wangWs = await agentSocket(srv, wangToken);

  const r = await cliAsync(srv.dataDir, 'passwd', 'li', '--password', 'li-new-pass-1');
  assert.equal(r.code, 0, r.err);
  assert.equal((await liWs.closed(2000)).code, 4001);
  assert.equal((await api(srv, 'GET', '/api/agent/me', { token: liToken })).status, 401);
  await agentLogin(srv, 'li', 'li-new-pass-1');
  assert.equal((await api(srv, 'POST', '/api/agent/login', { body: { username: 'li', password: 'li-pass-123' } })).status, 401);

  assert.equal((await cliAsync(srv.dataDir, 'remove', 'wang')).code, 0);
  assert.equal((await wangWs.closed(2000)).code, 4001);
  assert.equal((await api(srv, 'GET', '/api/agent/me', { token: wangToken })).status, 401);

  // A role given by the CLI applies to the next request of an existing token.
  const li2 = await agentLogin(srv, 'li', 'li-new-pass-1');
  assert.equal((await api(srv, 'GET', '/api/admin/groups', { token: li2 })).status, 403);
  assert.equal((await cliAsync(srv.dataDir, 'set-role', 'li', 'admin')).code, 0);
  assert.equal((await api(srv, 'GET', '/api/admin/groups', { token: li2 })).status, 200);
  await srv.close();
});

// node shell/server.js on a fresh folder, until it prints its URL; resolves to { url, out, stop }.
function serve(dataDir) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(__dirname, '../../shell/server.js'), '--port', '0', '--data', dataDir], { env: { ...process.env, KEFU_ADMIN_PASS: '' } });
    let out = '';
    const t = setTimeout(() => reject(new Error(`no start: ${out}`)), 15000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && /data {2,}/.test(out)) {
        clearTimeout(t);
        resolve({ url: m[1], out, stop: () => new Promise((r) => { p.once('exit', r); p.kill('SIGTERM'); }) });
      }
    });
  });
}

test('the first start prints a generated admin password once; it signs in; a restart prints none', async () => {
  const dir = tempDir();
  const first = await serve(dir);
  const m = /Admin account created: admin \/ (\S+)/.exec(first.out);
  assert.ok(m, first.out);
  const r = await fetch(`${first.url}/api/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: m[1] }) });
  assert.equal((await r.json()).agent.role, 'admin');
  await first.stop();
  const second = await serve(dir);
  assert.doesNotMatch(second.out, /Admin account created/);
  await second.stop();
});

test('a first admin password that is too short stops the start with a message naming KEFU_ADMIN_PASS', async () => {
  await assert.rejects(startServer({ adminPass: 'short' }), /KEFU_ADMIN_PASS.*password must be 8/);
});
