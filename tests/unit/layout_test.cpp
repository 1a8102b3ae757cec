#include <gtest/gtest.h>

#include "core/layout.hpp"

#include <limits>

using namespace kefu;

namespace {
Message msg(Sender from, std::int64_t timeMs, std::string agent = "", std::string kind = "text") {
    Message m;
    m.from = from;
    m.timeMs = timeMs;
    m.agentName = std::move(agent);
    m.kind = std::move(kind);
    return m;
}
constexpr std::int64_t kMin = 60000;
constexpr std::int64_t kNoon = 1764000000000 - 4 * 3600000; // 2025-11-24 12:00 UTC
} // namespace

TEST(Layout, PhonesGetTheWholeViewport) {
    const PanelLayout l = computePanel(375, 667, Side::Right);
    EXPECT_TRUE(l.fullscreen);
    EXPECT_EQ(l.panel.x, 0);
    EXPECT_EQ(l.panel.y, 0);
    EXPECT_EQ(l.panel.w, 375);
    EXPECT_EQ(l.panel.h, 667);
    EXPECT_TRUE(computePanel(639, 900, Side::Right).fullscreen);
    EXPECT_FALSE(computePanel(640, 900, Side::Right).fullscreen);
}

TEST(Layout, DesktopPanelSitsAboveTheLauncher) {
    const PanelLayout l = computePanel(1280, 800, Side::Right);
    EXPECT_FALSE(l.fullscreen);
    EXPECT_EQ(l.panel.w, 370);
    EXPECT_EQ(l.panel.h, 560);
    EXPECT_EQ(l.panel.x, 1280 - 20 - 370);
    EXPECT_EQ(l.launcher.w, 60);
    EXPECT_EQ(l.launcher.x, 1280 - 20 - 60);
    EXPECT_EQ(l.launcher.y, 800 - 20 - 60);
    EXPECT_EQ(l.panel.y + l.panel.h, l.launcher.y - 20);
    EXPECT_FLOAT_EQ(l.bubbleMaxWidth, 370 * 0.75f);
}

TEST(Layout, LeftSide) {
    const PanelLayout l = computePanel(1280, 800, Side::Left);
    EXPECT_EQ(l.panel.x, 20);
    EXPECT_EQ(l.launcher.x, 20);
}

TEST(Layout, ShortViewportsClampTheHeight) {
    EXPECT_EQ(computePanel(1024, 600, Side::Right).panel.h, 480); // 600 − 100 − a 20 px top margin
    EXPECT_EQ(computePanel(1024, 600, Side::Right).panel.y, 20);
    EXPECT_EQ(computePanel(1024, 480, Side::Right).panel.h, 360); // the minimum, still above the launcher
}

// A short window never puts the panel's top at the window's edge, nor gives a wide window a full-window chat.
TEST(Layout, ShortWideWindowsKeepAPanelWithAMargin) {
    for (float h : {500.0f, 460.0f, 400.0f, 384.0f, 300.0f}) {
        const PanelLayout l = computePanel(1366, h, Side::Right);
        EXPECT_FALSE(l.fullscreen) << h;
        EXPECT_EQ(l.panel.w, 370) << h;
        EXPECT_GE(l.panel.y, 20) << h;
        EXPECT_LE(l.panel.y + l.panel.h, h - 20) << h;
        EXPECT_GT(l.panel.h, 200) << h;
    }
    EXPECT_EQ(computePanel(1366, 500, Side::Right).panel.h, 380); // above the launcher
    EXPECT_EQ(computePanel(1366, 400, Side::Right).panel.h, 360); // over it
    EXPECT_EQ(computePanel(1366, 400, Side::Right).panel.y, 20);
    // A 1366×768 window zoomed to 200 %: 683×384 CSS px.
    EXPECT_FALSE(computePanel(683, 384, Side::Left).fullscreen);
    EXPECT_EQ(computePanel(683, 384, Side::Left).panel.x, 20);
}

TEST(Layout, GroupsSameSenderWithinFiveMinutes) {
    EXPECT_TRUE(sameGroup(msg(Sender::Agent, kNoon, "小美"), msg(Sender::Agent, kNoon + 4 * kMin, "小美")));
    EXPECT_FALSE(sameGroup(msg(Sender::Agent, kNoon, "小美"), msg(Sender::Agent, kNoon + 5 * kMin, "小美")));
    EXPECT_FALSE(sameGroup(msg(Sender::Agent, kNoon, "小美"), msg(Sender::Visitor, kNoon + kMin)));
    EXPECT_FALSE(sameGroup(msg(Sender::Agent, kNoon, "小美"), msg(Sender::Agent, kNoon + kMin, "小王")));
    EXPECT_TRUE(sameGroup(msg(Sender::Visitor, kNoon), msg(Sender::Visitor, kNoon + kMin)));
    EXPECT_FALSE(sameGroup(msg(Sender::System, kNoon, "", "call"), msg(Sender::System, kNoon + kMin, "", "call")));
}

TEST(Layout, TimeSeparators) {
    EXPECT_FALSE(needsTimeSeparator(msg(Sender::Agent, kNoon), msg(Sender::Agent, kNoon + 4 * kMin)));
    EXPECT_TRUE(needsTimeSeparator(msg(Sender::Agent, kNoon), msg(Sender::Visitor, kNoon + 5 * kMin)));
    // 23:58 → 00:01 local: a new day, so a separator (and no grouping) despite the short gap.
    const std::int64_t midnight = kNoon + 12 * 3600000; // 00:00 UTC
    EXPECT_TRUE(needsTimeSeparator(msg(Sender::Agent, midnight - 2 * kMin), msg(Sender::Agent, midnight + kMin)));
    EXPECT_FALSE(sameGroup(msg(Sender::Agent, midnight - 2 * kMin), msg(Sender::Agent, midnight + kMin)));
    // The same instants in UTC+8 are 08:58 and 09:01: same day.
    EXPECT_FALSE(needsTimeSeparator(msg(Sender::Agent, midnight - 2 * kMin), msg(Sender::Agent, midnight + kMin), 480));
}

TEST(Layout, BadgeText) {
    EXPECT_EQ(badgeText(0), "");
    EXPECT_EQ(badgeText(-3), "");
    EXPECT_EQ(badgeText(1), "1");
    EXPECT_EQ(badgeText(99), "99");
    EXPECT_EQ(badgeText(100), "99+");
}

TEST(Layout, SeparatorsBetweenTimesAtTheEndsOfInt64) {
    const std::int64_t lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
    EXPECT_TRUE(needsTimeSeparator(msg(Sender::Agent, lo), msg(Sender::Agent, hi), 480)); // no overflowing gap
    EXPECT_TRUE(needsTimeSeparator(msg(Sender::Agent, hi), msg(Sender::Agent, lo), -480));
    EXPECT_FALSE(needsTimeSeparator(msg(Sender::Agent, hi), msg(Sender::Agent, hi - kMin), 480));
}
