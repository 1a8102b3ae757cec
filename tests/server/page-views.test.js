'use strict';
// The widget's page view report (visitor frame `page`, docs/PROTOCOL.md §4) and the visitor panel's
// endpoint: hostile frames are refused with a clear error and store nothing, good ones are stored,
// passed to the agents, and go with the visitor on forget-me.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, newVisitor, agentLogin, agentSocket, wsClient } = require('./helpers');
const { browserOf } = require('../../shell/lib/user-agent');

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
let srv;
after(async () => {
  if (srv) await srv.close();
});

async function visitorWithUa(server, token, ua = UA) {
  const c = wsClient(server, '/ws/visitor', { headers: { 'user-agent': ua } });
  await c.opened;
  c.send('auth', { token });
  await c.next('hello');
  return c;
}
const info = async (server, agentToken, id) => (await api(server, 'GET', `/api/agent/visitors/${id}/info`, { token: agentToken })).json;

test('page views: stored, passed to agents, shown in the info endpoint with browser, zone and visits', async () => {
  srv = await startServer();
  const agentToken = await agentLogin(srv);
  const agent = await agentSocket(srv, agentToken);
  const v = await newVisitor(srv, '王五');
  const tab = await visitorWithUa(srv, v.token);

  tab.send('page', { url: 'https://shop.example/tea?id=7#reviews', title: '龙井 Longjing', referrer: 'https://search.example/?q=tea', lang: 'zh-CN', tz: 'Asia/Shanghai', tzOffset: -480 });
  const seen = await agent.next('page');
  assert.deepEqual({ ...seen.data, time: 0 }, { visitorId: v.visitorId, url: 'https://shop.example/tea?id=7', title: '龙井 Longjing', time: 0 }, 'the fragment is never stored or passed on');
  tab.send('page', { url: 'https://shop.example/cart', title: '购物车 Cart', referrer: 'https://shop.example/tea?id=7', lang: 'zh-CN', tz: 'Asia/Shanghai', tzOffset: -480 });
  await agent.next('page', { where: (d) => d.url === 'https://shop.example/cart' });

  const i = await info(srv, agentToken, v.visitorId);
  assert.equal(i.page.url, 'https://shop.example/cart');
  assert.equal(i.page.title, '购物车 Cart');
  assert.deepEqual(i.pages.map((p) => p.url), ['https://shop.example/cart', 'https://shop.example/tea?id=7']);
  assert.equal(i.referrer, 'https://search.example/?q=tea', 'where the visit came from, not the previous page of the site');
  assert.equal(i.browser, 'Edge 131');
  assert.equal(i.os, 'Windows');
  assert.equal(i.lang, 'zh-CN');
  assert.equal(i.tz, 'Asia/Shanghai');
  assert.equal(i.tzOffset, -480);
  assert.equal(i.visits, 1);
  assert.ok(i.firstSeen > 0 && i.online === true);

  // The same page again (a reconnect's report) is not a new page view.
  tab.send('page', { url: 'https://shop.example/cart', title: '购物车 Cart' });
  assert.equal(await agent.none('page', 300), true);
  assert.equal((await info(srv, agentToken, v.visitorId)).pages.length, 2);

  // Visitors cannot read it; forget-me erases it.
  assert.equal((await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}/info`, { token: v.token })).status, 401);
  assert.equal((await api(srv, 'DELETE', '/api/visitors/me', { token: v.token })).status, 200);
  assert.equal((await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}/info`, { token: agentToken })).status, 404);
  tab.close();
  agent.close();
});

test('page views: hostile frames get a clear error and store nothing', async () => {
  const agentToken = await agentLogin(srv);
  const v = await newVisitor(srv);
  const tab = await visitorWithUa(srv, v.token);
  const bad = [
    [{ title: 'no url' }, /"url" is required/],
    [{ url: 'javascript:alert(1)' }, /http or https/],
    [{ url: 'data:text/html,<script>1</script>' }, /http or https/],
    [{ url: 'file:///etc/passwd' }, /http or https/],
    [{ url: 'not a url' }, /not a URL/],
    [{ url: `https://x.example/${'a'.repeat(2100)}` }, /at most 2048/],
    [{ url: 42 }, /"url" must be a URL/],
    [{ url: 'https://x.example/', title: { a: 1 } }, /"title" must be a string/],
    [{ url: 'https://x.example/', referrer: 'javascript:1' }, /http or https/],
    [{ url: 'https://x.example/', lang: 'zh-CN<script>' }, /"lang" is not valid/],
    [{ url: 'https://x.example/', tz: '../../etc' }, /"tz" is not valid/],
    [{ url: 'https://x.example/', tzOffset: 1e9 }, /"tzOffset"/],
    [{ url: 'https://x.example/', tzOffset: '-480' }, /"tzOffset"/],
  ];
  for (const [data, message] of bad) {
    tab.send('page', data);
    const e = await tab.next('error');
    assert.equal(e.data.code, 'bad_request', JSON.stringify(data));
    assert.match(e.data.message, message, JSON.stringify(data));
  }
  assert.deepEqual((await info(srv, agentToken, v.visitorId)).pages, [], 'nothing stored');

  // Credentials in the address are dropped; a long title is cut; control characters become spaces.
  tab.send('page', { url: 'https://user:secret@x.example/a', title: `a\u0000b\nc${'长'.repeat(400)}` });
  await new Promise((r) => setTimeout(r, 200));
  const p = (await info(srv, agentToken, v.visitorId)).page;
  assert.equal(p.url, 'https://x.example/a');
  assert.equal([...p.title].length, 300);
  assert.ok(p.title.startsWith('a b c'));

  // A flood is cut off: 30 a minute per visitor.
  let limited = 0;
  for (let n = 0; n < 40; n++) tab.send('page', { url: `https://x.example/p${n}` });
  for (;;) {
    try {
      const e = await tab.next('error', { timeout: 500 });
      if (e.data.code === 'rate_limited') limited++;
    } catch {
      break;
    }
  }
  assert.ok(limited >= 10, `rate limited ${limited}`);
  assert.ok((await info(srv, agentToken, v.visitorId)).pages.length <= 20, 'the info endpoint answers at most 20 pages');
  tab.close();
});

test('browser and OS names from common User-Agent headers', () => {
  const cases = [
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1', 'Safari 17', 'iOS'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome 120', 'macOS'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox 128', 'Linux'],
    ['Mozilla/5.0 (Linux; Android 14; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47', '微信 WeChat 8', 'Android'],
    ['', '', ''],
  ];
  for (const [ua, browser, os] of cases) assert.deepEqual(browserOf(ua), { browser, os }, ua);
});
