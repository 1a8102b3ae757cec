'use strict';
// Browser and OS names for the console's visitor panel, from a User-Agent header (which every browser
// sends anyway). Approximate by nature; the order matters (Edge and Opera also say Chrome, Chrome
// also says Safari).
const BROWSERS = [
  ['微信 WeChat', /MicroMessenger\/(\d+)/],
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /OPR\/(\d+)/],
  ['Samsung Internet', /SamsungBrowser\/(\d+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//],
];
const SYSTEMS = [
  ['iOS', /iPhone|iPad|iPod/],
  ['Android', /Android/],
  ['ChromeOS', /CrOS/],
  ['Windows', /Windows/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Linux', /Linux/],
];

function browserOf(ua) {
  const s = typeof ua === 'string' ? ua.slice(0, 512) : '';
  let browser = '';
  for (const [name, re] of BROWSERS) {
    const m = re.exec(s);
    if (m) {
      browser = `${name} ${m[1]}`;
      break;
    }
  }
  const sys = SYSTEMS.find(([, re]) => re.test(s));
  return { browser, os: sys ? sys[0] : '' };
}

module.exports = { browserOf };
