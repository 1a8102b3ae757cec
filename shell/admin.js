#!/usr/bin/env node
'use strict';
// Account administration on a data folder, with the server running or not (SQLite WAL; a running
// server notices within accountPollMs and ends the sessions of removed accounts and changed passwords).
//   node shell/admin.js [--data DIR] list
//   node shell/admin.js [--data DIR] add USER [--name NAME] [--role admin|agent] [--password P | --password-stdin]
//   node shell/admin.js [--data DIR] passwd USER [--password P | --password-stdin]
//   node shell/admin.js [--data DIR] remove USER
//   node shell/admin.js [--data DIR] set-role USER admin|agent
// Without a password, add and passwd generate one and print it once. Exit codes: 0 done, 1 refused, 2 usage.
const fs = require('fs');
const { loadConfig } = require('./lib/config');
const { openDb } = require('./lib/db');
const { createAuth } = require('./lib/auth');
const { createAccounts, generatePassword } = require('./lib/accounts');
const { ApiError } = require('./lib/errors');

const USAGE = `usage: node shell/admin.js [--data DIR] <command>
  list
  add USER [--name NAME] [--role admin|agent] [--password P | --password-stdin]
  passwd USER [--password P | --password-stdin]
  remove USER
  set-role USER admin|agent`;

function usage(message) {
  if (message) console.error(message);
  console.error(USAGE);
  process.exit(2);
}

function parse(argv) {
  const opts = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const x = inline !== undefined ? inline : argv[++i];
      if (x === undefined) usage(`${flag} needs a value`);
      return x;
    };
    if (flag === '--data') opts.dataDir = value();
    else if (flag === '--name') opts.name = value();
    else if (flag === '--role') opts.role = value();
    else if (flag === '--password') opts.password = value();
    else if (flag === '--password-stdin') opts.passwordStdin = true;
    else if (flag === '-h' || flag === '--help') usage();
    else if (flag.startsWith('--')) usage(`unknown option: ${flag}`);
    else rest.push(argv[i]);
  }
  return { opts, rest };
}

// The password to set, and whether it was generated here (then it is printed once).
function password(opts) {
  if (opts.passwordStdin) {
    const line = fs.readFileSync(0, 'utf8').split(/\r?\n/)[0];
    return { value: line, generated: false };
  }
  if (opts.password !== undefined) return { value: opts.password, generated: false };
  return { value: generatePassword(), generated: true };
}

function main() {
  const { opts, rest } = parse(process.argv.slice(2));
  const [command, user, arg] = rest;
  if (!command) usage();
  const config = loadConfig(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const db = openDb(config.dataDir);
  const accounts = createAccounts(db, createAuth(db));
  try {
    if (command === 'list') {
      for (const a of accounts.list()) console.log(`${a.username}\t${a.role}\t${a.name}\t${a.groups.join(',')}`);
      return 0;
    }
    if (!user) usage(`${command} needs a user name`);
    if (command === 'add') {
      const p = password(opts);
      const a = accounts.add({ username: user, name: opts.name, password: p.value, role: opts.role || 'agent' });
      console.log(`added ${a.username} (${a.role})${p.generated ? `, password: ${p.value}` : ''}`);
    } else if (command === 'passwd') {
      const p = password(opts);
      accounts.passwd(user, p.value);
      console.log(`new password set for ${user}${p.generated ? `: ${p.value}` : ''}; its sessions have ended`);
    } else if (command === 'remove') {
      accounts.remove(user);
      console.log(`removed ${user}; its sessions have ended`);
    } else if (command === 'set-role') {
      if (!arg) usage('set-role needs a role: admin or agent');
      const a = accounts.setRole(user, arg);
      console.log(`${a.username} is now ${a.role}`);
    } else {
      usage(`unknown command: ${command}`);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    console.error(`refused: ${e.message}`);
    return 1;
  } finally {
    db.close();
  }
}

process.exitCode = main();
