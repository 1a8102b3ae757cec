#!/usr/bin/env node
'use strict';
// Kefu reference backend: demo host pages, agent console, chat API and sockets, PeerJS server.
//   node shell/server.js [--port N] [--host H] [--data DIR] [--turn]   (--turn: run coturn too)
// Environment: KEFU_PORT, KEFU_HOST, KEFU_DATA, KEFU_AGENT_USER, KEFU_AGENT_PASS, KEFU_AGENT_NAME,
// KEFU_ICE_SERVERS (JSON array), KEFU_PEER_HOST/PORT/PATH/KEY/SECURE, KEFU_DIST,
// KEFU_TURN, KEFU_TURN_URLS/SECRET/TTL/PORT/PORTS/LISTEN/RELAY_IP/EXTERNAL_IP/HOST (shell/README.md).
const { start } = require('./lib/app');

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--port': out.port = Number(value()); break;
      case '--host': out.host = value(); break;
      case '--data': out.dataDir = value(); break;
      case '--quiet': out.quiet = true; break;
      case '--turn': out.turn = { run: true }; break;
      case '-h':
      case '--help':
        console.log('usage: node shell/server.js [--port N] [--host H] [--data DIR] [--turn] [--quiet]');
        process.exit(0);
        break;
      default:
        console.error(`unknown argument: ${arg}`);
        process.exit(2);
    }
  }
  return out;
}

if (require.main === module) {
  start(parseArgs(process.argv.slice(2))).then(
    (srv) => {
      const stop = () => srv.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (e) => {
      console.error(`Kefu server failed to start: ${e.message}`);
      process.exit(1);
    },
  );
}

module.exports = { start };
