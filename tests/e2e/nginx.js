'use strict';
// Debian's real nginx for the browser tests: a certificate authority and a leaf certificate made with
// openssl, docs/nginx.conf filled in for free local ports, and a second https server block (another
// origin) that serves a host page. nginx runs in the foreground as a child process with its own prefix.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const crypto = require('node:crypto');
const { spawn, execFileSync } = require('node:child_process');
const { ROOT } = require('./harness');

const NGINX = '/usr/sbin/nginx';

// Installs Debian's nginx when it is missing (shell/setup.sh --tests does the same), or says how to.
function ensureNginx() {
  if (fs.existsSync(NGINX)) return;
  if (process.getuid && process.getuid() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['install', '-y', '-qq', 'nginx'], { env, stdio: 'inherit' });
  }
  if (!fs.existsSync(NGINX)) throw new Error('nginx is not installed: run bash shell/setup.sh --tests (or apt-get install nginx)');
}

// A CA and a leaf for `names`; spki is what Chromium's --ignore-certificate-errors-spki-list wants.
function makeCertificates(dir, names) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Kefu test CA',
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${names[0]}`);
  fs.writeFileSync(path.join(dir, 'leaf.ext'), [
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
    'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', '',
  ].join('\n'));
  run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
    '-extfile', 'leaf.ext', '-out', 'leaf.pem');
  const leaf = fs.readFileSync(path.join(dir, 'leaf.pem'), 'utf8');
  const ca = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
  fs.writeFileSync(path.join(dir, 'fullchain.pem'), leaf + ca);
  const der = crypto.createPublicKey(leaf).export({ type: 'spki', format: 'der' });
  return {
    ca, fullchain: path.join(dir, 'fullchain.pem'), key: path.join(dir, 'leaf.key'),
    spki: crypto.createHash('sha256').update(der).digest('base64'),
  };
}

// docs/nginx.conf with its placeholders replaced; every placeholder must still be there.
function kefuConf({ backendPort, httpPort, httpsPort, name, cert }) {
  let text = fs.readFileSync(path.join(ROOT, 'docs/nginx.conf'), 'utf8');
  const swap = (from, to) => {
    if (!text.includes(from)) throw new Error(`docs/nginx.conf no longer contains "${from}"`);
    text = text.split(from).join(to);
  };
  swap('server 127.0.0.1:8080;', `server 127.0.0.1:${backendPort};`);
  swap('listen 80;', `listen 127.0.0.1:${httpPort};`);
  swap('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
  swap('kefu.example.com', name);
  swap('/etc/ssl/kefu/fullchain.pem', cert.fullchain);
  swap('/etc/ssl/kefu/privkey.pem', cert.key);
  return text;
}

function waitPort(port, child, log, timeout = 10000) {
  const end = Date.now() + timeout;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`nginx exited: ${log()}`));
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(); });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > end) reject(new Error(`nginx did not listen on ${port}: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

// Starts nginx: Kefu (docs/nginx.conf) at https://<kefuName>:<kefuPort>, and `site` (file name ->
// content) at https://<siteName>:<sitePort> with the response headers in `siteHeaders`.
async function startNginx({ backendPort, ports, kefuName, siteName, site, siteHeaders }) {
  ensureNginx();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-nginx-'));
  const cert = makeCertificates(dir, [kefuName, siteName]);
  fs.mkdirSync(path.join(dir, 'site'));
  for (const [file, content] of Object.entries(site)) fs.writeFileSync(path.join(dir, 'site', file), content);
  fs.writeFileSync(path.join(dir, 'kefu.conf'), kefuConf({ backendPort, httpPort: ports.http, httpsPort: ports.kefu, name: kefuName, cert }));
  const headers = Object.entries(siteHeaders).map(([k, v]) => `      add_header ${k} "${v}" always;`).join('\n');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`).join('\n');
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `
${process.getuid() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 512; }
http {
  access_log ${dir}/access.log;
${temp}
  types { text/html html; application/javascript js; }
  include ${dir}/kefu.conf;
  server {
    listen 127.0.0.1:${ports.site} ssl http2;
    server_name ${siteName};
    ssl_certificate ${cert.fullchain};
    ssl_certificate_key ${cert.key};
    root ${dir}/site;
    location / {
${headers}
    }
  }
}
`);
  execFileSync(NGINX, ['-t', '-q', '-e', 'stderr', '-p', `${dir}/`, '-c', `${dir}/nginx.conf`], { stdio: 'pipe' });
  const child = spawn(NGINX, ['-e', 'stderr', '-p', `${dir}/`, '-c', `${dir}/nginx.conf`, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const log = () => out + (fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, 'utf8') : '');
  for (const p of [ports.http, ports.kefu, ports.site]) await waitPort(p, child, log);
  return {
    dir, cert, child, log,
    accessLog: () => fs.readFileSync(path.join(dir, 'access.log'), 'utf8'),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGQUIT'); // graceful: the master waits for its worker
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startNginx, ensureNginx };
