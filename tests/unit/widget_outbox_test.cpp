// What the visitor typed survives outages and reloads: the saved outbox keeps waiting messages as they are
// and failed ones with their reason, and the panel's retry / discard actions act on them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "call_fakes.hpp"
#include "core/widget.hpp"
#include "fakes.hpp"

using namespace kefu;
using json = nlohmann::json;

namespace {

constexpr const char* kOutboxKey = "https://chat.example.com:outbox";

struct Page {
    test::FakeScheduler clock;
    test::FakeSocketHub sockets;
    test::FakeHttp http;
    calltest::FakeMediaDevices devices;
    calltest::FakeRtc rtc;
    std::unique_ptr<Widget> widget;
    std::map<std::string, std::string> stored;

    explicit Page(const std::string& outbox = "") {
        WidgetSettings s;
        s.server = "https://chat.example.com";
        s.lang = "en";
        s.token = "tok1";
        s.visitorId = "v_1";
        s.outboxJson = outbox;
        widget = std::make_unique<Widget>(
            s, Widget::Platform{clock, sockets.factory(), http.fn(), devices, rtc.factory(), test::sequenceRandom()});
        widget->onStore([this](const std::string& k, const std::string& v) { stored[k] = v; });
    }
    test::FakeConnection& online() {
        widget->start();
        http.reply("GET", "/api/config", 200, R"({"kefu":{"id":"kefu1","name":"小美"}})");
        test::FakeConnection& c = sockets.last();
        c.accept();
        c.receive(
            json{{"type", "hello"}, {"data", {{"visitorId", "v_1"}, {"kefu", {{"online", true}}}, {"lastSeq", 0}}}}
                .dump());
        return c;
    }
    json saved() const {
        auto it = stored.find(kOutboxKey);
        return it == stored.end() || it->second.empty() ? json::array() : json::parse(it->second);
    }
    std::vector<std::string> sentIds(const test::FakeConnection& c) const {
        std::vector<std::string> ids;
        for (const auto& f : c.sent) {
            const json j = json::parse(f);
            if (j["type"] == "message") ids.push_back(j["data"]["id"]);
        }
        return ids;
    }
};

} // namespace

TEST(WidgetOutbox, AFailedMessageStaysInTheSavedOutboxWithItsReason) {
    Page p;
    test::FakeConnection& c = p.online();
    const std::string id = p.widget->send("会失败的").id;
    c.receive(json{{"type", "error"}, {"data", {{"code", "conflict"}, {"message", "id used"}, {"id", id}}}}.dump());
    const json saved = p.saved();
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0]["id"], id);
    EXPECT_EQ(saved[0]["text"], "会失败的");
    EXPECT_EQ(saved[0]["failed"], "conflict");
    EXPECT_EQ(saved[0]["error"], "id used");
}

TEST(WidgetOutbox, MessagesWaitingThroughALongOutageAreSavedAsWaiting) {
    Page p;
    test::FakeConnection& c = p.online();
    p.sockets.onConnect = [](test::FakeConnection& conn) { conn.drop(1006); };
    c.drop(1006);
    for (int i = 0; i < 30; ++i) {
        p.widget->send("m" + std::to_string(i));
        p.clock.advance(3000);
    }
    const json saved = p.saved();
    ASSERT_EQ(saved.size(), 30u);
    for (const json& e : saved) EXPECT_FALSE(e.contains("failed")) << e.dump();
    EXPECT_EQ(json::parse(p.widget->messagesJson()).at(29)["status"], "pending");
}

TEST(WidgetOutbox, AReloadShowsTheFailedMessageAndRetryDeliversIt) {
    Page p(R"([{"id":"m_ok","text":"still to send","time":1000},
               {"id":"m_bad","text":"没发出去","time":2000,"failed":"timeout","error":"not acknowledged in time"}])");
    test::FakeConnection& c = p.online();
    EXPECT_EQ(p.sentIds(c), std::vector<std::string>{"m_ok"}); // the failed one waits for the visitor
    const ViewModel& v = p.widget->view();
    ASSERT_EQ(v.messages.size(), 2u);
    EXPECT_TRUE(v.messages[1].failed);
    EXPECT_EQ(v.messages[1].text, "没发出去");
    EXPECT_EQ(v.messages[1].error, "Couldn't deliver the message: poor connection") << v.messages[1].error;
    EXPECT_EQ(v.retryLabel, "Retry");
    EXPECT_EQ(json::parse(p.widget->messagesJson()).at(1)["status"], "failed");
    EXPECT_EQ(p.saved().size(), 2u); // still saved, reason and all
    EXPECT_EQ(p.saved()[1]["failed"], "timeout");

    Intents in;
    in.retryId = "m_bad";
    bool clear = false;
    p.widget->apply(in, "", clear);
    EXPECT_EQ(p.sentIds(c), (std::vector<std::string>{"m_ok", "m_bad"}));
    EXPECT_FALSE(p.saved()[1].contains("failed")); // waiting again
    c.receive(R"({"type":"ack","data":{"id":"m_ok","seq":1,"time":1}})");
    c.receive(R"({"type":"ack","data":{"id":"m_bad","seq":2,"time":2}})");
    EXPECT_EQ(p.stored.at(kOutboxKey), "");
}

TEST(WidgetOutbox, DiscardDropsAFailedMessageForGood) {
    Page p(R"([{"id":"m_bad","text":"不要了","time":2000,"failed":"offline"}])");
    test::FakeConnection& c = p.online();
    Intents in;
    in.discardId = "m_bad";
    bool clear = false;
    p.widget->apply(in, "", clear);
    EXPECT_TRUE(p.widget->view().messages.empty());
    EXPECT_EQ(p.stored.at(kOutboxKey), "");
    EXPECT_TRUE(p.sentIds(c).empty());
    EXPECT_FALSE(p.widget->discardMessage("m_bad"));
}

TEST(WidgetOutbox, TheSendTimeoutIsASetting) {
    EXPECT_EQ(parseWidgetSettings(R"({"server":"https://x.example","sendTimeout":5})").sendTimeoutS, 5);
    EXPECT_EQ(parseWidgetSettings(R"({"server":"https://x.example","sendTimeout":"7"})").sendTimeoutS, 7);
    EXPECT_EQ(parseWidgetSettings(R"({"server":"https://x.example","sendTimeout":0})").sendTimeoutS, 60);
    EXPECT_EQ(parseWidgetSettings(R"({"server":"https://x.example"})").sendTimeoutS, 60);
}
