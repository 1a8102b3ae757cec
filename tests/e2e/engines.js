'use strict';
// Browser engines other than Chromium, all from Debian: Firefox ESR driven by puppeteer-core over WebDriver
// BiDi, WebKitGTK (the Safari engine) driven by selenium-webdriver through WebKitWebDriver. Both draw the
// widget's WebGL canvas only with a display, so each test gets its own Xvfb. Nothing here downloads a
// browser; a missing one is installed with the project's own setup script (shell/setup.sh --browsers).
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { ROOT, freePort } = require('./harness');

const FIREFOX = process.env.KEFU_FIREFOX || '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.KEFU_WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.KEFU_MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = '/usr/bin/Xvfb';

function nodeModule(name) {
  try { return require(name); } catch { return require(path.join(ROOT, 'shell/node_modules', name)); }
}

// Null when the engine is there (installing it first if needed), else why the test has to skip.
function ensureEngine(kind) {
  const files = kind === 'firefox' ? [FIREFOX, XVFB] : [WEBKIT_DRIVER, MINIBROWSER, XVFB];
  const driver = kind === 'firefox' ? 'puppeteer-core' : 'selenium-webdriver';
  const present = () => files.every((f) => fs.existsSync(f)) && fs.existsSync(path.join(ROOT, 'shell/node_modules', driver));
  if (present()) return null;
  const r = spawnSync('bash', [path.join(ROOT, 'shell/setup.sh'), '--browsers'], { encoding: 'utf8', timeout: 10 * 60 * 1000 });
  if (present()) return null;
  const missing = files.filter((f) => !fs.existsSync(f)).join(', ') || driver;
  const said = (r.stderr || r.stdout || String(r.error || '')).trim().slice(-300);
  return `${kind} cannot be installed here (missing ${missing}; shell/setup.sh --browsers exited ${r.status}${said ? `: ${said}` : ''})`;
}

// An X server of its own on a free display number; stop() ends it.
async function startXvfb() {
  const child = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const display = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`Xvfb did not start: ${err}`)), 10000);
    child.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) { clearTimeout(t); resolve(`:${out.trim()}`); }
    });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`Xvfb exited ${code}: ${err}`)); });
  });
  return { display, stop: () => stopChild(child) };
}

function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, 3000);
    child.once('exit', () => { clearTimeout(t); resolve(); });
    child.kill('SIGTERM');
  });
}

// Firefox ESR, headful on `display`, with fake camera and microphone, no permission prompts, autoplay on.
async function launchFirefox(display) {
  const puppeteer = nodeModule('puppeteer-core');
  const profile = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'kefu-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: false,
    userDataDir: profile,
    env: { ...process.env, DISPLAY: display, MOZ_CRASHREPORTER_DISABLE: '1' },
    args: ['--width=1280', '--height=800'],
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.autoplay.default': 0,
      'media.autoplay.blocking_policy': 0,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'app.update.enabled': false,
    },
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try { await close(); } finally { fs.rmSync(profile, { recursive: true, force: true }); }
  };
  return browser;
}

// WebKitGTK's MiniBrowser under WebKitWebDriver on a port of its own; quit() ends both.
async function launchWebKit(display) {
  const { Builder, Capabilities } = nodeModule('selenium-webdriver');
  const port = await freePort();
  const driverProc = spawn(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
    env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  driverProc.stdout.on('data', (d) => { log += d; });
  driverProc.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 10000;
  for (;;) {
    if (driverProc.exitCode !== null) throw new Error(`WebKitWebDriver exited: ${log}`);
    try { if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) break; } catch { /* not up yet */ }
    if (Date.now() > deadline) { await stopChild(driverProc); throw new Error(`WebKitWebDriver did not start: ${log}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const caps = new Capabilities();
  caps.set('browserName', 'MiniBrowser');
  caps.set('webkitgtk:browserOptions', { binary: MINIBROWSER, args: ['--automation'] });
  let driver;
  try {
    driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(caps).build();
  } catch (e) {
    await stopChild(driverProc);
    throw e;
  }
  return {
    driver,
    async quit() {
      try { await driver.quit(); } catch { /* already gone */ }
      await stopChild(driverProc);
    },
  };
}

module.exports = { ensureEngine, startXvfb, stopChild, launchFirefox, launchWebKit };
