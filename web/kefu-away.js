/* Kefu 留言 card, loaded by the widget (web/away.js) the first time nobody of the visitor's group can
   answer: the away text in full, an e-mail or phone field (POST /api/visitors/me/contact), "not now". */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K) return;
  // x: the context glue.js gave web/away.js; show(why, text): why "hours" | "nobody", or null to hide.
  K.__card = function (x, lang) {
    var zh = /^zh/i.test(lang);
    var T = zh ? { f: '邮箱或电话', s: '提交', n: '稍后再说', e: '请填写正确的邮箱地址或电话号码。', k: '已收到，我们会尽快联系您。', w: '提交失败，请稍后再试。', d: '客服暂时无法接待。请留下您的邮箱或电话，我们会尽快联系您。' }
      : { f: 'E-mail or phone', s: 'Send', n: 'Not now', e: 'Please enter a valid e-mail address or phone number.', k: 'Thank you! We will get back to you soon.', w: 'Could not send. Please try again later.', d: 'Nobody can answer right now. Leave your e-mail or phone number and we will get back to you.' };
    var card = d.createElement('section'), text = d.createElement('p'), form = d.createElement('form');
    var input = d.createElement('input'), label = d.createElement('label'), send = d.createElement('button');
    var later = d.createElement('button'), note = d.createElement('p');
    card.className = 'aw';
    card.setAttribute('aria-label', zh ? '留言' : 'Leave a message');
    text.className = 'awt';
    text.setAttribute('aria-live', 'polite');
    label.textContent = T.f;
    input.type = 'text'; input.maxLength = 254; input.autocomplete = 'email'; input.name = 'contact';
    label.appendChild(input);
    send.type = 'submit'; send.textContent = T.s;
    later.type = 'button'; later.textContent = T.n; later.className = 'awn';
    note.className = 'awe'; note.setAttribute('role', 'alert');
    [label, send, later, note].forEach(function (e) { form.appendChild(e); });
    card.appendChild(text); card.appendChild(form);
    x.panel.appendChild(card);
    var css = '.aw{position:absolute;left:12px;right:12px;top:calc(var(--kt,60px) + 12px);display:none;box-sizing:border-box;max-height:60%;overflow:auto;' +
      'background:#fff;border-radius:10px;box-shadow:0 2px 12px #0003;padding:12px 14px;color:#1f1f1f;font:14px/1.5 system-ui,sans-serif;z-index:1}' +
      '.aw.on{display:block}.awt{margin:0 0 8px;white-space:pre-wrap;overflow-wrap:anywhere;line-break:strict}' +
      '.aw label{display:block;font-size:13px;color:#595959}.aw input{display:block;width:100%;box-sizing:border-box;' +
      'margin:4px 0 8px;padding:7px;border:1px solid #bfbfbf;border-radius:6px;font:inherit}' +
      '.aw button{font:inherit;border:0;border-radius:6px;padding:6px 14px;background:var(--kb,#0958d9);color:#fff}' +
      '.aw .awn{background:none;color:#595959}.awe{margin:6px 0 0;color:#cf1322}.awe:empty{display:none}';
    K.__css(x.root, css); // the app's shadow_css.js

    var why = null, msg = '', hidden = false, sent = false;
    function show() {
      var on = !!why && !hidden;
      card.className = 'aw' + (on ? ' on' : '');
      if (!on) return;
      text.textContent = sent ? T.k : msg || T.d;
      form.style.display = sent ? 'none' : '';
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var v = input.value.trim(), body = /@/.test(v) ? { email: v } : { phone: v };
      var digits = v.replace(/\D/g, '').length;
      if (!v || (body.email ? !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) : digits < 5 || digits > 15)) { note.textContent = T.e; input.focus(); return; }
      var token = x.token();
      if (!token) { note.textContent = T.w; return; }
      send.disabled = true; note.textContent = '';
      fetch(x.cfg.server + '/api/visitors/me/contact', {
        method: 'POST', credentials: 'omit', body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token }
      }).then(function (r) {
        send.disabled = false;
        if (r.status === 201) { sent = true; show(); x.emit('contact', body); return; }
        note.textContent = r.status === 400 ? T.e : T.w;
      }, function () { send.disabled = false; note.textContent = T.w; });
    });
    later.addEventListener('click', function () { hidden = true; show(); });

    return {
      show: function (w2, t) {
        if (!w2) sent = false;
        why = w2; msg = t;
        show();
      }
    };
  };
})(window, document);
