#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "core/i18n.hpp"
#include "core/text.hpp"

using namespace kefu;

TEST(I18n, EveryKeyHasTextInBothLocales) {
    for (int i = 0; i < static_cast<int>(Key::Count); ++i) {
        const Key k = static_cast<Key>(i);
        for (Locale l : {Locale::ZhCN, Locale::En}) {
            const char* s = tr(l, k);
            ASSERT_NE(s, nullptr);
            EXPECT_GT(std::strlen(s), 0u) << "key " << i;
            EXPECT_TRUE(isValidUtf8(s)) << "key " << i;
        }
    }
}

TEST(I18n, KeyStringsAreTheExpectedOnes) {
    EXPECT_STREQ(tr(Locale::ZhCN, Key::Placeholder), "输入消息…");
    EXPECT_STREQ(tr(Locale::En, Key::Placeholder), "Type a message…");
    EXPECT_STREQ(tr(Locale::ZhCN, Key::AgentTyping), "对方正在输入…");
    EXPECT_STREQ(tr(Locale::ZhCN, Key::ErrorTooLong), "消息过长（最多 2000 字）");
    EXPECT_STREQ(tr(Locale::ZhCN, Key::AgentOffline), "客服暂时不在线，留言后会尽快回复您");
    EXPECT_STREQ(tr(Locale::ZhCN, Key::WelcomeFallback), "您好，有什么可以帮您？");
    EXPECT_STREQ(tr(Locale::ZhCN, Key::Voice), "语音");
    EXPECT_STREQ(tr(Locale::En, Key::Video), "Video");
    EXPECT_STREQ(tr(Locale::ZhCN, Key::CallMissed), "未接通");
    EXPECT_STREQ(tr(Locale::En, Key::CallDeclined), "Declined");
}

// Chinese text takes full-width punctuation: "不在线，留言后", not "不在线,留言后".
TEST(I18n, ChineseStringsUseFullWidthPunctuation) {
    auto cjk = [](char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3000 && c <= 0x303F); };
    for (int i = 0; i < static_cast<int>(Key::Count); ++i) {
        const std::vector<char32_t> cps = decodeUtf8(tr(Locale::ZhCN, static_cast<Key>(i)));
        for (std::size_t j = 0; j < cps.size(); ++j) {
            if (cps[j] >= 0x80 || cps[j] == 0 || !std::strchr(",.?!:;()", (int)cps[j])) continue;
            const bool before = j > 0 && cjk(cps[j - 1]), after = j + 1 < cps.size() && cjk(cps[j + 1]);
            EXPECT_FALSE(before || after) << "key " << i << " has ASCII '" << (char)cps[j] << "' next to Chinese";
        }
    }
}

TEST(I18n, ParsesLocaleTags) {
    EXPECT_EQ(parseLocale("zh"), Locale::ZhCN);
    EXPECT_EQ(parseLocale("zh-CN"), Locale::ZhCN);
    EXPECT_EQ(parseLocale("zh-Hans"), Locale::ZhCN);
    EXPECT_EQ(parseLocale("zh-TW"), Locale::ZhCN);
    EXPECT_EQ(parseLocale("zh_HK"), Locale::ZhCN);
    EXPECT_EQ(parseLocale("ZH-cn"), Locale::ZhCN);
    EXPECT_EQ(parseLocale("en"), Locale::En);
    EXPECT_EQ(parseLocale("en-US"), Locale::En);
    EXPECT_EQ(parseLocale("fr-FR"), Locale::En);
    EXPECT_EQ(parseLocale("zhx"), Locale::En);
    EXPECT_EQ(parseLocale(""), Locale::En);
    EXPECT_STREQ(localeTag(Locale::ZhCN), "zh-CN");
    EXPECT_STREQ(localeTag(Locale::En), "en");
}

TEST(I18n, FormatsDurations) {
    EXPECT_EQ(formatDuration(0), "00:00");
    EXPECT_EQ(formatDuration(151), "02:31");
    EXPECT_EQ(formatDuration(3599), "59:59");
    EXPECT_EQ(formatDuration(3723), "1:02:03");
    EXPECT_EQ(formatDuration(-5), "00:00");
}

TEST(I18n, FormatsLocalTime) {
    // 2025-11-24 16:00:00 UTC
    const std::int64_t t = 1764000000000;
    EXPECT_EQ(formatTime(t, 0), "16:00");
    EXPECT_EQ(formatTime(t, 480), "00:00"); // Beijing: already the next day
    EXPECT_EQ(formatTime(t + 5 * 60000, -300), "11:05");
    EXPECT_EQ(formatTime(0, -60), "23:00"); // before the epoch in local time
}

TEST(I18n, DayLabels) {
    const std::int64_t now = 1764000000000; // 2025-11-24 16:00 UTC
    const std::int64_t day = 86400000;
    EXPECT_EQ(dayLabel(Locale::ZhCN, now - 3600000, now, 0), "今天");
    EXPECT_EQ(dayLabel(Locale::En, now - day, now, 0), "Yesterday");
    EXPECT_EQ(dayLabel(Locale::ZhCN, now - 3 * day, now, 0), "11月21日");
    EXPECT_EQ(dayLabel(Locale::En, now - 3 * day, now, 0), "Nov 21");
    EXPECT_EQ(dayLabel(Locale::ZhCN, now - 365 * day, now, 0), "2024年11月24日");
    EXPECT_EQ(dayLabel(Locale::En, now - 365 * day, now, 0), "Nov 24, 2024");
    // 23:30 and 00:30 local are different days even though they are an hour apart.
    EXPECT_EQ(dayLabel(Locale::En, now - 30 * 60000, now + 30 * 60000, 8 * 60 - 30), "Yesterday");
    EXPECT_EQ(separatorLabel(Locale::En, now - 60000, now, 0), "15:59");
    EXPECT_EQ(separatorLabel(Locale::ZhCN, now - day, now, 0), "昨天 16:00");
}

TEST(I18n, CallLines) {
    CallInfo c;
    c.video = false;
    c.durationS = 151;
    c.outcome = "completed";
    EXPECT_EQ(callLine(Locale::ZhCN, c), "语音通话 02:31");
    EXPECT_EQ(callLine(Locale::En, c), "Voice call 02:31");
    c.video = true;
    EXPECT_EQ(callLine(Locale::ZhCN, c), "视频通话 02:31");
    c.outcome = "missed";
    EXPECT_EQ(callLine(Locale::ZhCN, c), "视频通话 · 未接通");
    EXPECT_EQ(callLine(Locale::En, c), "Video call · Missed call");
    c.outcome = "rejected";
    EXPECT_EQ(callLine(Locale::En, c), "Video call · Declined");
    c.outcome = "cancelled";
    EXPECT_EQ(callLine(Locale::ZhCN, c), "视频通话 · 已取消");
    c.outcome = "failed";
    EXPECT_EQ(callLine(Locale::ZhCN, c), "视频通话 · 通话失败");
    c.outcome = "completed";
    c.durationS = 0;
    EXPECT_EQ(callLine(Locale::En, c), "Video call");
}

TEST(I18n, UnreadLabel) {
    EXPECT_EQ(unreadLabel(Locale::ZhCN, 3), "3 条未读消息");
    EXPECT_EQ(unreadLabel(Locale::En, 12), "12 unread messages");
}

TEST(I18n, TimesAtTheEndsOfInt64DoNotOverflow) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    const std::int64_t now = 1'700'000'000'000;
    for (int tz : {480, -720, 0, 1440, -1440}) {
        // Later stays later: the local offset used to wrap INT64_MAX around to year -292277022.
        EXPECT_GE(localDay(kMax, tz), localDay(now, tz)) << tz;
        EXPECT_LE(localDay(kMin, tz), localDay(0, tz)) << tz;
        for (std::int64_t t : {kMax, kMin, kMax - 1, kMin + 1}) {
            const std::string time = formatTime(t, tz);
            ASSERT_EQ(time.size(), 5u) << time;
            EXPECT_EQ(time[2], ':') << time;
            if (t > 0) {
                EXPECT_EQ(separatorLabel(Locale::En, t, now, tz).find(", -"), std::string::npos);
            }
        }
    }
    EXPECT_EQ(separatorLabel(Locale::En, kMax, now, 480), "Sep 13, 275760 08:00");
    EXPECT_EQ(separatorLabel(Locale::En, kMin, now, 0), "Apr 20, -271821 00:00"); // JavaScript's first Date
    EXPECT_EQ(clampTimeMs(kMin), -kMaxTimeMs);
}
