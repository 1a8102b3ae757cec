// What the widget gives the panel to draw: title, offline notice, grouped messages and times, call lines,
// layout and locale, rebuilt only when something changed; and Kefu.state().
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "widget_harness.hpp"

using namespace kefu;
using namespace kefu::widgettest;
using json = nlohmann::json;

// ---- the view ----

TEST(Widget, TitleAndSubtitleFollowTheAgent) {
    Harness h;
    EXPECT_EQ(h.w().view().title, "Customer service");
    EXPECT_EQ(h.w().view().subtitle, "Connecting…");
    EXPECT_EQ(h.w().view().welcome, "Hi! How can we help you?");
    FakeConnection& c = h.online();
    const ViewModel& v = h.w().view();
    EXPECT_EQ(v.title, "小美");
    EXPECT_EQ(v.welcome, "Hi there");
    EXPECT_EQ(v.subtitle, "Online");
    EXPECT_TRUE(v.agentOnline);
    EXPECT_EQ(v.connection, 0);

    c.receive(serverFrame("status", {{"online", false}}));
    EXPECT_EQ(h.w().view().subtitle, "We're away right now. Leave a message and we'll reply soon.");
    EXPECT_FALSE(h.w().view().agentOnline);
    EXPECT_EQ(h.state()["agentOnline"], false);
    c.receive(serverFrame("status", {{"online", true}}));
    EXPECT_EQ(h.w().view().subtitle, "Online");
}

TEST(Widget, OfflineShowsAReasonAboveTheComposer) {
    Harness h(Harness::newVisitor());
    h.w().start();
    h.w().setOpen(true);
    h.http.reply("POST", "/api/visitors", 403, R"({"error":{"code":"forbidden","message":"no"}})");
    EXPECT_EQ(h.state()["connection"], "offline");
    EXPECT_EQ(h.w().view().subtitle, "Offline");
    EXPECT_EQ(h.w().view().connection, 2);
    EXPECT_EQ(h.w().view().notice, "Can't reach the support service");
    EXPECT_FALSE(h.warnings.empty());
}

TEST(Widget, MessagesAreGroupedWithTimeSeparators) {
    Harness h;
    FakeConnection& c = h.online();
    const std::int64_t now = h.clock.nowMs();
    const std::int64_t yesterday = now - 24 * 3600 * 1000;
    c.receive(serverFrame("message", messageJson("a0", 1, "agent", "old", yesterday)));
    c.receive(serverFrame("message", messageJson("a1", 2, "agent", "first", now - 10 * 60 * 1000)));
    c.receive(serverFrame("message", messageJson("a2", 3, "agent", "second", now - 9 * 60 * 1000)));
    c.receive(serverFrame("message", messageJson("m1", 4, "visitor", "mine", now - 9 * 60 * 1000 + 5000)));
    c.receive(serverFrame("message", messageJson("a3", 5, "agent", "later", now)));

    const ViewModel& v = h.w().view();
    ASSERT_EQ(v.messages.size(), 5u);
    EXPECT_EQ(v.messages[0].separator, "Yesterday " + formatTime(yesterday, 0));
    EXPECT_FALSE(v.messages[0].grouped);
    EXPECT_EQ(v.messages[1].separator, formatTime(now - 10 * 60 * 1000, 0));
    EXPECT_FALSE(v.messages[1].grouped);
    EXPECT_EQ(v.messages[2].separator, ""); // a minute later, same agent
    EXPECT_TRUE(v.messages[2].grouped);
    EXPECT_EQ(v.messages[3].separator, "");
    EXPECT_FALSE(v.messages[3].grouped); // another sender
    EXPECT_EQ(v.messages[3].from, 0);
    EXPECT_EQ(v.messages[4].separator, formatTime(now, 0)); // nine minutes later
    EXPECT_FALSE(v.messages[4].grouped);
    EXPECT_EQ(v.messages[4].time, formatTime(now, 0));
    EXPECT_EQ(v.messages[4].from, 1);
}

TEST(Widget, TimesFollowTheVisitorsTimeZone) {
    WidgetSettings s = Harness::defaults();
    s.tzOffsetMin = 480;
    Harness h(s);
    h.online();
    h.agentSays("a1", 1, "hi");
    EXPECT_EQ(h.w().view().messages.at(0).time, formatTime(h.clock.nowMs(), 480));
    EXPECT_NE(formatTime(h.clock.nowMs(), 480), formatTime(h.clock.nowMs(), 0));
}

TEST(Widget, CallRecordsReadAsACallLine) {
    Harness h;
    FakeConnection& c = h.online();
    c.receive(callRecord("call_c_1", 1, false, 151, "completed", h.clock.nowMs()));
    c.receive(callRecord("call_c_2", 2, true, 0, "missed", h.clock.nowMs()));
    const ViewModel& v = h.w().view();
    ASSERT_EQ(v.messages.size(), 2u);
    EXPECT_EQ(v.messages[0].from, 2);
    EXPECT_EQ(v.messages[0].text, "Voice call 02:31");
    EXPECT_EQ(v.messages[1].text, "Video call · Missed call");
    EXPECT_FALSE(v.messages[1].grouped); // call records never group

    const auto msgs = h.eventsNamed("message");
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0]["from"], "system");
    EXPECT_EQ(msgs[0]["text"], "Voice call 02:31");
    EXPECT_EQ(msgs[0]["call"], json::parse(R"({"video":false,"duration":151,"outcome":"completed"})"));

    h.w().setLocale("zh-CN");
    EXPECT_EQ(h.w().view().messages[0].text, "语音通话 02:31");
    EXPECT_EQ(h.w().view().messages[1].text, "视频通话 · 未接通");
    EXPECT_EQ(json::parse(h.w().messagesJson()).at(1)["text"], "视频通话 · 未接通");
}

TEST(Widget, ViewIsRebuiltOnlyWhenSomethingChanged) {
    Harness h;
    h.online();
    const ViewModel& first = h.w().view();
    const std::uint64_t rev = h.w().revision();
    EXPECT_EQ(first.revision, rev);
    const ViewModel& again = h.w().view();
    EXPECT_EQ(&again, &first);
    EXPECT_EQ(again.revision, rev);
    h.w().setPageFocused(true); // nothing visible
    EXPECT_EQ(h.w().revision(), rev);

    const int changesBefore = h.changes;
    h.agentSays("a1", 1, "new");
    EXPECT_GT(h.w().revision(), rev);
    EXPECT_GT(h.changes, changesBefore);
    EXPECT_EQ(h.w().view().revision, h.w().revision());
    EXPECT_EQ(h.w().view().messages.size(), 1u);
    EXPECT_EQ(h.state()["revision"], h.w().revision());
}

TEST(Widget, LayoutFollowsTheViewport) {
    WidgetSettings s = Harness::defaults();
    s.side = Side::Left;
    Harness h(s);
    const std::uint64_t rev = h.w().revision();
    h.w().setViewport(1280, 800);
    EXPECT_GT(h.w().revision(), rev);
    EXPECT_FALSE(h.w().view().fullscreen);
    EXPECT_LT(h.w().layout().launcher.x, 640.0f); // bottom-left corner
    h.w().setViewport(375, 667);
    EXPECT_TRUE(h.w().view().fullscreen);
}

TEST(Widget, LocaleSwitchesTheLabels) {
    Harness h;
    EXPECT_EQ(h.w().view().sendLabel, "Send");
    EXPECT_EQ(h.w().view().placeholder, "Type a message…");
    EXPECT_EQ(h.w().view().voiceLabel, "Voice");
    EXPECT_EQ(h.w().view().emojiLabel, "Emoji");
    const std::uint64_t rev = h.w().revision();
    h.w().setLocale("zh-CN");
    EXPECT_GT(h.w().revision(), rev);
    const ViewModel& v = h.w().view();
    EXPECT_EQ(v.sendLabel, "发送");
    EXPECT_EQ(v.placeholder, "输入消息…");
    EXPECT_EQ(v.voiceLabel, "语音");
    EXPECT_EQ(v.videoLabel, "视频");
    EXPECT_EQ(v.hangupLabel, "挂断");
    EXPECT_EQ(v.emojiLabel, "表情");
    EXPECT_EQ(v.title, "在线客服");
    EXPECT_EQ(v.subtitle, "连接中…");
    EXPECT_EQ(v.welcome, "您好，有什么可以帮您？");

    // Refusals come in the visitor's language too.
    EXPECT_EQ(h.w().send(" ").message, "不能发送空白消息");
    EXPECT_EQ(h.w().view().notice, "不能发送空白消息");
}

TEST(Widget, ChineseSettingsFromTheStart) {
    WidgetSettings s = Harness::newVisitor();
    s.lang = "zh-CN";
    Harness h(s);
    h.w().start();
    h.w().setOpen(true);
    EXPECT_EQ(json::parse(h.http.find("POST", "/api/visitors")->body)["lang"], "zh-CN");
    EXPECT_EQ(h.w().view().sendLabel, "发送");
}

TEST(Widget, StateJson) {
    Harness h(Harness::newVisitor());
    json s = h.state();
    for (const char* key : {"ready", "open", "connected", "unread", "visitorId", "call"})
        EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_EQ(s["ready"], true);
    EXPECT_EQ(s["open"], false);
    EXPECT_EQ(s["connected"], false);
    EXPECT_EQ(s["unread"], 0);
    EXPECT_TRUE(s["visitorId"].is_null());
    EXPECT_EQ(s["call"], "idle");

    h.w().setOpen(true);
    h.w().start();
    ASSERT_TRUE(h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_1","token":"tok1"})"));
    h.chat().accept();
    h.chat().receive(hello());
    h.w().setOpen(false);
    h.agentSays("a1", 1, "hi");
    h.w().setOpen(true);
    h.w().setOpen(false);
    h.agentSays("a2", 2, "again");
    s = h.state();
    EXPECT_EQ(s["open"], false);
    EXPECT_EQ(s["connected"], true);
    EXPECT_EQ(s["connection"], "online");
    EXPECT_EQ(s["unread"], 1);
    EXPECT_EQ(s["visitorId"], "v_1");
    EXPECT_EQ(s["messages"], 2);
}
