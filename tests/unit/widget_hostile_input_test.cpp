// The widget against what the host page, localStorage and the server can hand it: a saved outbox any
// script of the origin may have rewritten, message times at the ends of int64, names and texts carrying
// bidi controls. The widget must start, keep what is usable and show nothing garbled.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "call_fakes.hpp"
#include "core/widget.hpp"
#include "fakes.hpp"

using namespace kefu;
using json = nlohmann::json;

namespace {

constexpr const char* kServer = "https://chat.example.com";
const std::string kConfig = R"({"kefu":{"id":"kefu1","name":"小美"},"peer":{"host":"peer.example.com"}})";

struct Page {
    test::FakeScheduler clock;
    test::FakeSocketHub sockets;
    test::FakeHttp http;
    calltest::FakeMediaDevices devices;
    calltest::FakeRtc rtc;
    std::unique_ptr<Widget> widget;
    std::vector<std::string> warnings;
    std::vector<json> messageEvents;

    explicit Page(const std::string& outbox = "", int tzOffsetMin = 0) {
        WidgetSettings s;
        s.server = kServer;
        s.token = "tok1";
        s.visitorId = "v_1";
        s.outboxJson = outbox;
        s.tzOffsetMin = tzOffsetMin;
        widget = std::make_unique<Widget>(
            s, Widget::Platform{clock, sockets.factory(), http.fn(), devices, rtc.factory(), test::sequenceRandom()});
        widget->onWarning([this](const std::string& w) { warnings.push_back(w); });
        widget->onEvent([this](const std::string& name, const std::string& j) {
            if (name == "message") messageEvents.push_back(json::parse(j));
        });
    }
    test::FakeConnection& online(const std::string& helloName = "小美") {
        widget->start();
        http.reply("GET", "/api/config", 200, kConfig);
        test::FakeConnection& c = *sockets.connections.front();
        c.accept();
        c.receive(
            json{{"type", "hello"},
                 {"data", {{"visitorId", "v_1"}, {"kefu", {{"name", helloName}, {"online", true}}}, {"lastSeq", 0}}}}
                .dump());
        return c;
    }
    std::vector<json> sent(const test::FakeConnection& c, const std::string& type) const {
        std::vector<json> out;
        for (const auto& f : c.sent) {
            json j = json::parse(f, nullptr, false);
            if (j.is_object() && j.value("type", "") == type) out.push_back(j);
        }
        return out;
    }
    bool warned(const std::string& part) const {
        for (const auto& w : warnings)
            if (w.find(part) != std::string::npos) return true;
        return false;
    }
};

std::string agentMessage(const std::string& id, std::int64_t seq, const std::string& text, std::int64_t time) {
    return json{{"type", "message"},
                {"data", {{"id", id}, {"seq", seq}, {"from", "agent"}, {"text", text}, {"time", time}}}}
        .dump();
}

} // namespace

TEST(WidgetHostileInput, ASavedOutboxWithWrongTypesDropsOnlyTheBadEntries) {
    // Written by some other script of the site: a numeric id, a time as text, a nested id.
    Page p(R"([{"id":5,"text":"numeric id"},{"id":"m_a","text":"时间是文字","time":"yesterday"},)"
           R"({"id":{"x":1},"text":"object id"},{"id":"m_b","text":"second","time":1.5e3},{"id":"m_c","text":7}])");
    test::FakeConnection& c = p.online(); // threw type_error out of ensureStarted() before
    const auto sent = p.sent(c, "message");
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0]["data"]["id"], "m_a");
    EXPECT_EQ(sent[0]["data"]["text"], "时间是文字");
    EXPECT_EQ(sent[1]["data"]["id"], "m_b");
    EXPECT_TRUE(p.warned("ignored 3 unreadable message(s) of the saved outbox"));
    ASSERT_EQ(p.widget->view().messages.size(), 2u);
    EXPECT_TRUE(p.widget->view().messages[0].pending);
}

TEST(WidgetHostileInput, ASavedOutboxThatIsNotAnArrayIsReportedAndTheWidgetStarts) {
    for (const char* junk : {"{\"id\":\"m_1\"}", "not json", "42",
                             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]"}) {
        Page p(junk);
        test::FakeConnection& c = p.online();
        EXPECT_EQ(p.widget->session().state(), ConnectionState::Online) << junk;
        EXPECT_TRUE(p.sent(c, "message").empty()) << junk;
        EXPECT_TRUE(p.warned("saved outbox")) << junk;
    }
}

TEST(WidgetHostileInput, SavedOutboxRoundTrip) {
    const std::vector<SavedMessage> in = {{"m_1", "你好", 1000, "", ""}, {"m_2", std::string("bad\xff"), 0, "", ""}};
    const SavedOutbox out = parseSavedOutbox(encodeSavedOutbox(in));
    ASSERT_EQ(out.messages.size(), 2u);
    EXPECT_EQ(out.messages[0].text, "你好");
    EXPECT_EQ(out.messages[0].timeMs, 1000);
    EXPECT_EQ(out.messages[1].text, "bad\xEF\xBF\xBD");
    EXPECT_EQ(out.dropped, 0u);
    EXPECT_EQ(encodeSavedOutbox({}), "");
    const SavedOutbox times = parseSavedOutbox(R"([{"id":"a","text":"t","time":-5},{"id":"b","text":"t","time":1e300},)"
                                               R"({"id":"c","text":"t","time":18446744073709551615}])");
    ASSERT_EQ(times.messages.size(), 3u);
    for (const SavedMessage& m : times.messages) EXPECT_EQ(m.timeMs, 0) << m.id;
}

TEST(WidgetHostileInput, AMessageTimeNearInt64MaxShowsAPlainTimeAndDate) {
    Page p("", 480); // China: the local offset pushed INT64_MAX past the top
    test::FakeConnection& c = p.online();
    c.receive(agentMessage("a_1", 1, "早", 1'700'000'000'000));
    c.receive(agentMessage("a_2", 2, "far future", std::numeric_limits<std::int64_t>::max()));
    const auto& ms = p.widget->view().messages;
    ASSERT_EQ(ms.size(), 2u);
    for (const MessageView& m : ms) {
        ASSERT_EQ(m.time.size(), 5u) << m.time;
        EXPECT_EQ(m.time[2], ':') << m.time;
        EXPECT_EQ(m.separator.find('-'), std::string::npos) << m.separator; // was a year of -292277022
    }
    EXPECT_NE(ms[1].separator, ms[0].separator);
}

TEST(WidgetHostileInput, BidiControlsInNamesAndTextsDoNotReachTheScreen) {
    Page p;
    test::FakeConnection& c = p.online("\u202E小美\u202C");
    const std::string evil = "\u202Egnp.exe\u2066 \u200F\u061Cx\u202D";
    c.receive(agentMessage("a_1", 1, evil, 1'700'000'000'000));
    const ViewModel& v = p.widget->view();
    EXPECT_EQ(v.title, "小美");
    ASSERT_EQ(v.messages.size(), 1u);
    EXPECT_EQ(v.messages[0].text, "gnp.exe x");
    // The page API still reports exactly what was sent.
    ASSERT_EQ(p.messageEvents.size(), 1u);
    EXPECT_EQ(p.messageEvents[0]["text"], evil);
    EXPECT_EQ(json::parse(p.widget->messagesJson())[0]["text"], evil);
}

TEST(WidgetHostileInput, ANameOfBidiControlsAloneFallsBackToTheDefaultTitle) {
    Page p;
    p.online("\u202E\u2067");
    EXPECT_EQ(p.widget->view().title, "Customer service");
}

TEST(WidgetHostileInput, NumericSettingsOutOfRangeKeepTheDefaults) {
    const WidgetSettings s = parseWidgetSettings(
        R"({"readSeq":"-5","tzOffsetMin":"99999999999999999999","peerPort":"70000","ringTimeout":"99999999999"})");
    EXPECT_EQ(s.readSeq, 0);
    EXPECT_EQ(s.tzOffsetMin, 0);
    EXPECT_EQ(s.peerPort, 0);
    EXPECT_EQ(s.ringTimeoutS, 30);
    EXPECT_EQ(parseWidgetSettings(R"({"tzOffsetMin":480,"peerPort":9000})").tzOffsetMin, 480);
}
