'use strict';
// Line breaking in the widget against Chromium's own: each text of a corpus of Chinese, English and mixed
// chat messages is laid out by the widget (the lines of a message bubble, through the Kefu.__lines test
// hook) and by a DOM element of the same width and font, and the lines must be the same.
//
// Deliberate differences (not in this corpus' comparison, covered by the native tests instead):
// - a URL too long for a line breaks after its last / ? & = # that fits, where Chromium breaks it wherever
//   the line is full (a URL that fits on a line moves down whole in both);
// - Thai, Lao and Khmer runs are kept whole (no dictionary), where Chromium breaks between words.
// The DOM side turns kerning and ligatures off: the widget draws glyph by glyph, without them.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { openVisitor, waitReady, startFile, stopFile } = require('./harness');

const CORPUS = [
  '您好，有什么可以帮您？',
  '您的订单号是 QS20250412，请查收',
  '第 13 条消息，内容稍微长一点以便换行显示在气泡里面',
  '客服回复：您好，请问您遇到了什么问题？我们会尽快为您处理。',
  '好的。',
  '好的，我已经帮您查询了，您的包裹目前在上海转运中心，预计明天下午送达。',
  '请您提供一下订单号和收货人手机号，我这边帮您核实。',
  '亲，这款商品（型号 KF-2025）目前有货，今天下单明天发货哦！',
  '退款已经提交了，一般 3-5 个工作日原路退回，请注意查收。',
  '您可以在「我的订单」→「申请售后」里面操作，选择“仅退款”即可。',
  '【温馨提示】活动时间为 4 月 12 日 10:00 至 4 月 15 日 23:59。',
  '《用户协议》和《隐私政策》已经更新，请您仔细阅读。',
  '不好意思让您久等了……刚才系统有点卡。',
  '价格是 ¥1,299.00，包邮，支持 7 天无理由退换货。',
  '满 300 减 50，可以和店铺优惠券叠加使用；每个账号限用一次。',
  '您好！欢迎光临本店～有任何问题随时联系我们。',
  '收到，谢谢！',
  '这个问题我需要跟技术同事确认一下，大概需要十分钟左右，您看可以吗？',
  '发票抬头：上海某某科技有限公司；税号：91310000MA1FL0XX0X。',
  '快递单号 SF1234567890123，顺丰速运，可以在官网查询物流信息。',
  '尺码偏小，建议您选大一码；身高 170cm、体重 65kg 的话选 L 码比较合适。',
  '颜色有黑色、白色、灰色三种可选，白色目前缺货，预计下周二到货。',
  '我们的营业时间是周一至周五 9:00-18:00，周末和节假日休息。',
  '（已撤回一条消息）',
  '请问还有其他需要帮助的吗？如果没有的话，祝您生活愉快！',
  'Hello! How can I help you today?',
  'Your order QS20250412 has been shipped and should arrive within 2-3 business days.',
  'Could you please send me a screenshot of the error message you are seeing?',
  "I'm sorry for the inconvenience. We'll refund the full amount to your original payment method.",
  'The tracking number is 1Z999AA10123456784 (UPS Ground).',
  'Please try clearing your browser cache, then log in again.',
  'Thanks for waiting! Your replacement is on its way.',
  'Our support hours are Monday to Friday, 9 a.m. to 6 p.m. (Beijing time).',
  'Yes, the discount code SPRING-2025 is valid until April 30th.',
  'Is there anything else I can help you with?',
  'Supercalifragilisticexpialidociousandevenlongerwordsthatneverend',
  'OK',
  '我在 iPhone 15 Pro 上打开 App 就闪退，iOS 版本是 17.4.1。',
  '请把 Chrome 升级到最新版本，然后重新登录 Kefu 后台试试。',
  '你好，我想问一下 Model X 的 battery life 大概是多少？',
  '订单 #20250412-0087 的 status 显示 pending，是什么意思？',
  '已经帮您把 VIP 等级从 Silver 升级到 Gold 了，有效期 1 年。',
  '麻烦发一下 error log，或者截图也行（包括 URL 和时间）。',
  '下载地址在这里：https://example.com/download，安装后重启即可。',
  // Deliberately different: Chromium breaks this URL, too long for a line, wherever the line is full
  // (its next line starts with "/"); the widget breaks after the last "/" that fits.
  { text: '详情请看 https://help.example.com/articles/refund-policy 谢谢', urlBreak: 'https://help.example.com/' },
  '邮箱 service@example.com 或电话 400-820-8820 都可以联系我们。',
  '我的手机号是 138 0013 8000，收到请回复。',
  '他说“明天一定到”，结果今天还没发货。',
  '好的👍 马上处理🙏',
  '谢谢亲❤️ 祝您购物愉快！🎉🎉🎉',
  '全家福照片👨‍👩‍👧‍👦已经收到了，非常清晰。',
  '中国🇨🇳发货，大概一周左右到达。',
  '第一行\n第二行比较长一些，需要在气泡里面自动换行显示出来\n第三行',
  '   前面有空格的消息',
  'A—B——C 破折号测试，以及省略号……和间隔号·示例',
  '100% 正品保证，假一赔十！',
  '时间：2025-04-12 10:30；地点：上海市浦东新区世纪大道 100 号。',
];

let server, browser, page;

before(async () => {
  ({ server, browser } = await startFile({ agent: false }));
  page = await openVisitor(browser, server.url + '/');
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
});

after(() => stopFile({ browser, server }));

// Chromium's lines for `text` in an element `width` px wide with `font`, read from the boxes of its
// grapheme clusters. Spaces and newlines that end a line are left out, as in the widget's lines.
async function domLines(text, width, font) {
  return page.evaluate(({ text, width, font }) => {
    const el = document.createElement('div');
    el.style.cssText = 'position:absolute;left:0;top:0;white-space:pre-wrap;overflow-wrap:break-word;' +
      'font-kerning:none;font-variant-ligatures:none;letter-spacing:0;word-spacing:0;line-height:2;padding:0';
    el.style.width = width + 'px';
    el.style.font = font;
    el.style.lineHeight = '2';
    el.lang = 'zh-CN';
    el.textContent = text;
    document.body.appendChild(el);
    const node = el.firstChild, range = document.createRange();
    const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const lines = [];
    let top = null, cur = '';
    for (const { segment, index } of seg.segment(text)) {
      range.setStart(node, index);
      range.setEnd(node, index + segment.length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 || segment !== '\n');
      const t = rects.length ? Math.round(rects[rects.length - 1].top) : top;
      if (segment === '\n') { lines.push(cur); cur = ''; top = null; continue; }
      if (top !== null && t !== top && segment !== ' ') { lines.push(cur); cur = ''; }
      if (top === null || segment !== ' ') top = t;
      cur += segment;
    }
    lines.push(cur);
    el.remove();
    return lines.map((l) => l.replace(/ +$/, ''));
  }, { text, width, font });
}

test('the widget breaks a corpus of chat messages into the same lines as Chromium', async () => {
  assert.ok(CORPUS.length >= 50, 'at least 50 messages');
  const mismatches = [];
  let wrapped = 0;
  for (const entry of CORPUS) {
    const text = entry.text || entry;
    const r = await page.evaluate((t) => window.Kefu.__lines(t), text);
    assert.ok(r.width > 100, 'a bubble width');
    if (r.lines.length > 1) wrapped++;
    if (entry.urlBreak) {
      assert.ok(r.lines.includes(entry.urlBreak), `${text}: ${JSON.stringify(r.lines)}`);
      continue;
    }
    const dom = await domLines(text, r.width, r.font);
    if (JSON.stringify(dom) !== JSON.stringify(r.lines)) mismatches.push({ text, widget: r.lines, chromium: dom });
  }
  assert.ok(wrapped >= 20, `most long messages wrap (${wrapped})`);
  assert.deepEqual(mismatches, [], 'lines that differ from Chromium');
});

test('no line of the widget starts with closing punctuation or ends with opening punctuation', async () => {
  const closing = /^[，。、！？：；）」』】》…,.!?;:)]/u, opening = /[（「『【《]$/u;
  for (const text of CORPUS.map((e) => e.text || e)) {
    const { lines } = await page.evaluate((t) => window.Kefu.__lines(t), text);
    lines.slice(1).forEach((l) => assert.doesNotMatch(l, closing, `${text} → ${JSON.stringify(lines)}`));
    lines.slice(0, -1).forEach((l) => assert.doesNotMatch(l, opening, `${text} → ${JSON.stringify(lines)}`));
  }
});
