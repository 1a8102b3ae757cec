'use strict';
// Bidi controls (U+202E and friends) in what a visitor or the agent writes must not reorder the widget
// around them: the transcript (the text layer over the canvas) isolates each message in a <bdi> and, like
// the canvas, shows the text without them, and the page API still gets exactly what was written.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { openVisitor, waitReady, until, startFile, stopFile } = require('./harness');

let server, browser, agent;

before(async () => ({ server, browser, agent } = await startFile()));

after(() => stopFile({ browser, server }));

const strip = (t) => t.replace(/[\u202A-\u202E\u2066-\u2069]/g, '');
const transcript = (page) => page.evaluate(() =>
  [...document.getElementById('kefu-root').shadowRoot.querySelectorAll('[role=log] .m')].map((m) => ({
    prefix: m.dataset.who,
    isolated: m.querySelector('bdi') ? m.querySelector('bdi').textContent : null,
  })));

test('a message with a right-to-left override stays inside its own transcript line', async () => {
  const page = await openVisitor(browser, server.url + '/');
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  const mine = '\u202Egnp.exe\u2066 tail';
  await page.evaluate((t) => window.Kefu.send(t), mine);
  const vid = await page.evaluate(() => window.Kefu.state().visitorId);
  await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
  const reply = '\u202D\u05E9\u05DC\u05D5\u05DD ok';
  await agent.fill('#reply', reply);
  await agent.click('#send');
  // The welcome line may come first: wait until the reply is the last line, not just for two lines.
  const lines = await until(async () => {
    const t = await transcript(page);
    return t.length >= 2 && t[t.length - 1].isolated === strip(reply) ? t : null;
  }, { what: 'both messages in the transcript' });
  assert.deepEqual(lines.slice(-2), [
    // The text layer holds the text as the canvas draws it: without the controls, and isolated anyway.
    { prefix: 'You: ', isolated: strip(mine) },
    { prefix: 'Agent: ', isolated: strip(reply) },
  ]);
  // The API reports the text as written.
  const texts = await page.evaluate(() => window.Kefu.messages().map((m) => m.text));
  assert.ok(texts.includes(mine) && texts.includes(reply));
  await page.context().close();
});
