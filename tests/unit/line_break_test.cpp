// The line breaker (src/core/line_break.cpp) on a table of chat texts. Widths: Chinese characters,
// full-width punctuation and emoji are 2 units, everything else 1, so a width of 10 holds 5 Chinese
// characters. Expected lines are joined with '|'.
#include <gtest/gtest.h>

#include "core/grapheme.hpp"
#include "core/line_break.hpp"
#include "core/linkify.hpp"

#include <string>
#include <vector>

using namespace kefu;

namespace {

float unitWidth(std::string_view cluster) {
    std::size_t p = 0;
    const char32_t c = decodeAt(cluster, p);
    return c >= 0x1100 ? 2.0f : 1.0f;
}

std::string wrap(const std::string& text, float width, bool links = false) {
    std::vector<std::pair<std::size_t, std::size_t>> urls;
    if (links)
        for (const Link& l : findLinks(text)) urls.push_back({l.begin, l.end});
    std::string out;
    for (const Line& l : breakLines(text, width, unitWidth, urls)) {
        if (!out.empty()) out += "|";
        out += text.substr(l.begin, l.end - l.begin);
    }
    return out;
}

struct Case {
    const char* text;
    float width;
    const char* lines;
};

} // namespace

TEST(LineBreak, TableOfChatTexts) {
    const Case cases[] = {
        // Between Chinese characters, anywhere.
        {"客服回复您的问题", 10, "客服回复您|的问题"},
        // Not at the last space when it would leave a line short: "第 13" does not stand alone.
        {"第 13 条消息内容比较长", 12, "第 13 条消息|内容比较长"},
        // No line starts with closing punctuation: the character before it moves down with it.
        {"您好，请问有什么可以帮您？", 10, "您好，请问|有什么可以|帮您？"},
        {"好的。谢谢您的耐心等待。", 6, "好的。|谢谢您|的耐心|等待。"},
        {"请稍等、马上处理！好吗？", 8, "请稍等、|马上处|理！好|吗？"},
        {"收到：订单已发货；请查收", 6, "收到：|订单已|发货；|请查收"},
        {"您的订单号是 QS20250412，请查收", 20, "您的订单号是|QS20250412，请查收"},
        {"亲（包邮）哦", 8, "亲（包|邮）哦"},
        {"书名《红楼梦》很好", 10, "书名《红楼|梦》很好"},
        {"「好」的", 6, "「好」|的"},
        // No line ends with opening punctuation: it moves down with what it opens.
        {"请看（附件）", 6, "请看|（附|件）"},
        {"标题【重要】通知", 6, "标题|【重|要】通|知"},
        {"这是「引用」", 6, "这是|「引|用」"},
        // ASCII punctuation stays with the word before it.
        {"Hello, world! How are you?", 8, "Hello,|world!|How are|you?"},
        {"ok. yes; no: maybe)", 6, "ok.|yes;|no:|maybe)"},
        // Latin words and numbers are kept whole and break at spaces.
        {"please check order 12345678 today", 12, "please check|order|12345678|today"},
        {"订单QS20250412已发货", 10, "订单|QS20250412|已发货"},
        {"价格$1,299.00包邮", 10, "价格|$1,299.00|包邮"},
        {"时间10:30到11:45", 8, "时间|10:30到|11:45"},
        {"降价50%啦", 6, "降价|50%啦"},
        // A word wider than the line breaks where it overflows.
        {"abcdefghijklmnop", 6, "abcdef|ghijkl|mnop"},
        // Newlines are kept; leading spaces of a paragraph too; spaces at a break hang.
        {"第一行\n第二行", 20, "第一行|第二行"},
        {"a\n\nb", 20, "a||b"},
        {"word     next", 6, "word|next"},
        {"", 10, ""},
        // Emoji clusters are never split and break like ideographs.
        {"好👍🏽👨‍👩‍👧‍👦🇨🇳", 4, "好👍🏽|👨‍👩‍👧‍👦🇨🇳"},
        {"收到❤️谢谢", 4, "收到|❤️谢|谢"},
        // Ellipses and dashes: "……" never starts a line; "——" is not split.
        {"请稍等……好的", 6, "请稍|等……|好的"},
        {"好——非常好", 6, "好——|非常好"},
        // Chinese quotation marks: the opening one may start a line between Chinese characters.
        {"他说“你好”吧", 6, "他说|“你|好”吧"},
        {"他说“你好”吧", 8, "他说“你|好”吧"},
        {"it’s fine", 5, "it’s|fine"},
    };
    for (const Case& c : cases) EXPECT_EQ(wrap(c.text, c.width), c.lines) << c.text << " at " << c.width;
}

TEST(LineBreak, LongUrlsBreakAfterSlashesAndQueryPunctuation) {
    // Too long for a line: after / ? & = (never right after "//"), not wherever the line is full.
    EXPECT_EQ(wrap("https://shop.example.com/orders/QS20250412?from=app&utm=chat", 26, true),
              "https://shop.example.com/|orders/QS20250412?|from=app&utm=chat");
    EXPECT_EQ(wrap("https://a.cn/x?id=123456&from=app", 20, true), "https://a.cn/x?|id=123456&from=app");
    // A URL that fits a line moves down whole, as in Chromium; so does one after text.
    EXPECT_EQ(wrap("下载地址：https://example.com/download，安装", 32, true),
              "下载地址：|https://example.com/download，安|装");
    // Outside links "and/or" and "a=b&c=d" are words; only the overflow breaks them.
    EXPECT_EQ(wrap("and/or", 4), "and/|or");
    EXPECT_EQ(wrap("a=b&c=d", 4), "a=b&|c=d");
}

TEST(LineBreak, HyphensBeforeNumbers) {
    EXPECT_EQ(wrap("时间 9:00-18:00 休息", 12), "时间 9:00-|18:00 休息");
    EXPECT_EQ(wrap("code SPRING-2025 ok", 12), "code SPRING-|2025 ok");
    EXPECT_EQ(wrap("温度 -5 度", 5), "温度|-5 度");
}

TEST(LineBreak, NeverStartsWithClosingOrEndsWithOpeningPunctuation) {
    // Every Chinese text of the table at every width: the rule holds wherever the lines fall.
    const std::string texts[] = {"您好，请问有什么可以帮您？我们会尽快（一般在五分钟内）回复。",
                                 "收到！订单【QS20250412】已发货、请注意查收。", "好的：明天10:30「准时」送达；谢谢……"};
    const std::string closing[] = {"，", "。", "、", "！", "？", "：", "；", "）", "」", "』",
                                   "】", "》", "…",  ",",  ".",  "!",  "?",  ";",  ":"};
    const std::string opening[] = {"（", "「", "『", "【", "《"};
    for (const std::string& t : texts)
        for (float w = 6; w <= 40; w += 1) // from three characters a line
            for (const Line& l : breakLines(t, w, unitWidth)) {
                const std::string line = t.substr(l.begin, l.end - l.begin);
                if (l.begin == 0 || line.empty()) continue;
                for (const std::string& c : closing)
                    EXPECT_NE(line.rfind(c, 0), 0u) << "line starts with " << c << ": " << line << " (w=" << w << ")";
                for (const std::string& o : opening) {
                    const bool endsWith =
                        line.size() >= o.size() && line.compare(line.size() - o.size(), o.size(), o) == 0;
                    EXPECT_FALSE(endsWith && l.next < t.size())
                        << "line ends with " << o << ": " << line << " (w=" << w << ")";
                }
            }
}

TEST(LineBreak, LinesCoverTheTextAndFit) {
    const std::string t =
        "Mixed 中英文 text with emoji 👨‍👩‍👧‍👦 and a URL https://example.com/a/b/c?x=1 ok。";
    for (float w = 2; w <= 60; w += 0.5f) {
        const std::vector<Line> lines = breakLines(t, w, unitWidth);
        std::size_t at = 0;
        for (const Line& l : lines) {
            EXPECT_EQ(l.begin, at);
            EXPECT_LE(l.begin, l.end);
            EXPECT_LE(l.end, l.next);
            float sum = 0;
            for (std::size_t p = l.begin; p < l.end;) {
                const std::size_t e = clusterEnd(t, p);
                sum += unitWidth(t.substr(p, e - p));
                p = e;
            }
            EXPECT_FLOAT_EQ(l.width, sum);
            // Only a single cluster wider than the line may overflow it.
            if (l.width > w) {
                EXPECT_EQ(clusterEnd(t, l.begin), l.end) << "w=" << w;
            }
            at = l.next;
        }
        EXPECT_EQ(at, t.size());
    }
}
