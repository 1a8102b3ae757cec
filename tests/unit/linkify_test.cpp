// Links found in chat text (src/core/linkify.cpp): what a visitor would expect to be clickable, and nothing else.
#include <gtest/gtest.h>

#include "core/linkify.hpp"

#include <string>
#include <vector>

using namespace kefu;

namespace {

// "shown text -> href" for every link of `text`.
std::vector<std::string> links(const std::string& text) {
    std::vector<std::string> out;
    for (const Link& l : findLinks(text)) out.push_back(text.substr(l.begin, l.end - l.begin) + " -> " + l.href);
    return out;
}

using V = std::vector<std::string>;

} // namespace

TEST(Linkify, UrlEndsBeforeFullWidthPunctuationAndChinese) {
    EXPECT_EQ(links("请看https://example.com/a?b=1，谢谢"),
              (V{"https://example.com/a?b=1 -> https://example.com/a?b=1"}));
    EXPECT_EQ(links("链接https://example.com/track谢谢"),
              (V{"https://example.com/track -> https://example.com/track"}));
    EXPECT_EQ(links("打开https://example.com。"), (V{"https://example.com -> https://example.com"}));
    EXPECT_EQ(links("（https://example.com/x）"), (V{"https://example.com/x -> https://example.com/x"}));
    EXPECT_EQ(links("见「https://a.cn/b」"), (V{"https://a.cn/b -> https://a.cn/b"}));
    EXPECT_EQ(links("网址：http://kefu.example.cn:8080/p#top！"),
              (V{"http://kefu.example.cn:8080/p#top -> http://kefu.example.cn:8080/p#top"}));
}

TEST(Linkify, TrailingAsciiPunctuationIsLeftOutButBalancedParenthesesStay) {
    EXPECT_EQ(links("See https://example.com/docs."), (V{"https://example.com/docs -> https://example.com/docs"}));
    EXPECT_EQ(links("Really? https://example.com/?q=1!"), (V{"https://example.com/?q=1 -> https://example.com/?q=1"}));
    EXPECT_EQ(links("(see https://example.com/a)"), (V{"https://example.com/a -> https://example.com/a"}));
    EXPECT_EQ(links("https://en.wikipedia.org/wiki/Foo_(bar), ok"),
              (V{"https://en.wikipedia.org/wiki/Foo_(bar) -> https://en.wikipedia.org/wiki/Foo_(bar)"}));
    EXPECT_EQ(links("\"https://example.com\""), (V{"https://example.com -> https://example.com"}));
}

TEST(Linkify, WwwGetsHttps) {
    EXPECT_EQ(links("官网www.example.com.cn，欢迎"), (V{"www.example.com.cn -> https://www.example.com.cn"}));
    EXPECT_EQ(links("WWW.Example.com/shop?x=1&y=2"),
              (V{"WWW.Example.com/shop?x=1&y=2 -> https://WWW.Example.com/shop?x=1&y=2"}));
    EXPECT_EQ(links("www.x 和 awww.example.com"), (V{}));
}

TEST(Linkify, InternationalHostsAndPercentEncodedPaths) {
    EXPECT_EQ(links("https://例子.测试 可以打开"), (V{"https://例子.测试 -> https://例子.测试"}));
    EXPECT_EQ(
        links("https://zh.wikipedia.org/wiki/%E5%AE%A2%E6%9C%8D，"),
        (V{"https://zh.wikipedia.org/wiki/%E5%AE%A2%E6%9C%8D -> https://zh.wikipedia.org/wiki/%E5%AE%A2%E6%9C%8D"}));
    EXPECT_EQ(links("https://de.wikipedia.org/wiki/Müller"),
              (V{"https://de.wikipedia.org/wiki/Müller -> https://de.wikipedia.org/wiki/Müller"}));
    EXPECT_EQ(links("https://example.com谢谢"), (V{"https://example.com -> https://example.com"}));
}

TEST(Linkify, EmailAddresses) {
    EXPECT_EQ(links("邮箱service@example.com，谢谢"), (V{"service@example.com -> mailto:service@example.com"}));
    EXPECT_EQ(links("write to first.last+tag@mail.example.co."),
              (V{"first.last+tag@mail.example.co -> mailto:first.last+tag@mail.example.co"}));
    EXPECT_EQ(links("@someone hi, a@b, x@y.1"), (V{}));
}

TEST(Linkify, ChineseMobileAndLandlineNumbers) {
    EXPECT_EQ(links("电话13800138000，随时联系"), (V{"13800138000 -> tel:13800138000"}));
    EXPECT_EQ(links("打 138 0013 8000 或 138-0013-8000"),
              (V{"138 0013 8000 -> tel:13800138000", "138-0013-8000 -> tel:13800138000"}));
    EXPECT_EQ(links("+86 138 0013 8000"), (V{"+86 138 0013 8000 -> tel:+8613800138000"}));
    EXPECT_EQ(links("+8613800138000。"), (V{"+8613800138000 -> tel:+8613800138000"}));
    EXPECT_EQ(links("0086 13800138000"), (V{"0086 13800138000 -> tel:+8613800138000"}));
    EXPECT_EQ(links("座机010-12345678，热线400-820-8820"),
              (V{"010-12345678 -> tel:01012345678", "400-820-8820 -> tel:4008208820"}));
    EXPECT_EQ(links("call +1 415 555 2671 or +44 20 7946 0958"),
              (V{"+1 415 555 2671 -> tel:+14155552671", "+44 20 7946 0958 -> tel:+442079460958"}));
}

TEST(Linkify, NoFalsePhoneNumbers) {
    EXPECT_EQ(links("您的订单号是 QS20250412，请查收"), (V{}));
    EXPECT_EQ(links("10:30 到 11:45 之间"), (V{}));
    EXPECT_EQ(links("2025-04-12 发货，2025/04/12"), (V{}));
    EXPECT_EQ(links("订单 20250412123 金额 13800.00 元"), (V{}));
    EXPECT_EQ(links("12345678901 和 138001380001 和 12138001380000"), (V{}));
    EXPECT_EQ(links("SN13800138000 与 13800138000abc"), (V{}));
    EXPECT_EQ(links("第 13 条，共 2 件，100%"), (V{}));
}

TEST(Linkify, LinksInsideUrlsAreNotFoundTwice) {
    EXPECT_EQ(links("https://example.com/u/13800138000/a@b.com"),
              (V{"https://example.com/u/13800138000/a@b.com -> https://example.com/u/13800138000/a@b.com"}));
}

TEST(Linkify, OnlyHttpMailtoAndTelCanBeOpened) {
    EXPECT_TRUE(isOpenableHref("https://example.com/a?b=1"));
    EXPECT_TRUE(isOpenableHref("HTTP://example.com"));
    EXPECT_TRUE(isOpenableHref("https://例子.测试"));
    EXPECT_TRUE(isOpenableHref("mailto:a@example.com"));
    EXPECT_TRUE(isOpenableHref("tel:+8613800138000"));
    for (const char* bad : {"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "file:///etc/passwd",
                            "https://", "https:///x", "https://a b", "https://a\nb", "http:\\\\evil", "tel:1-2",
                            "tel:", "mailto:", "mailto:a", "vbscript:x", "//example.com", "", "https://x\xE2\x80\xAE"})
        EXPECT_FALSE(isOpenableHref(bad)) << bad;
    for (const Link& l : findLinks("a https://x.cn b www.y.com c z@q.cn d 13800138000"))
        EXPECT_TRUE(isOpenableHref(l.href)) << l.href;
}
