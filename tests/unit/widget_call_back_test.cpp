// An agent's call-back (docs/PROTOCOL.md §5 "Call-backs") as the widget sees it: the chat `ring` opens the
// panel with 接听 / 拒绝 and starts no device; 接听 runs the ordinary call naming the call-back; 拒绝 posts
// `decline`; `ring_end` stops the ringing; hostile rings are ignored.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "widget_rig.hpp"

using namespace kefu;
using json = nlohmann::json;

namespace {

const std::string kConfig = R"({"kefu":{"id":"kefu1","name":"小美"},"welcome":{"zh-CN":"您好"},
    "peer":{"host":"peer.example.com","port":9000,"path":"/peerjs","key":"peerjs","secure":false},"iceServers":[]})";

WidgetSettings chinese(bool hasRtc) {
    WidgetSettings s = test::WidgetRig::returning("zh-CN");
    s.hasRtc = hasRtc;
    return s;
}

// A Chinese visitor, online; the agent's call-back rings over its chat socket.
struct Harness : test::WidgetRig {
    explicit Harness(bool hasRtc = true) : WidgetRig(chinese(hasRtc)) { online(kConfig); }
    test::FakeConnection& chat() { return *sockets.connections.front(); }
    void ring(const std::string& callId, bool video) {
        chat().receive(
            json{{"type", "ring"}, {"data", {{"callId", callId}, {"video", video}, {"name", "小美"}}}}.dump());
    }
    std::string callState() const { return state()["call"].get<std::string>(); }
    // The `state` of every call event so far.
    std::vector<std::string> callStates() const {
        std::vector<std::string> out;
        for (const auto& e : callEvents) out.push_back(json::parse(e)["state"].get<std::string>());
        return out;
    }
    void press(bool answer) {
        Intents in;
        in.answer = answer;
        in.decline = !answer;
        apply(in);
    }
    json lastCallKefu() {
        json last;
        for (const auto& r : http.requests)
            if (r->url.find("/2/callKefu") != std::string::npos) last = json::parse(r->body);
        return last;
    }
};

} // namespace

TEST(WidgetCallBack, RingOpensThePanelWithAnswerAndDeclineAndStartsNoDevice) {
    Harness h;
    ASSERT_FALSE(h.widget->isOpen());
    h.ring("c_0123abcd", true);
    EXPECT_TRUE(h.widget->isOpen());
    EXPECT_EQ(h.callState(), "incoming");
    EXPECT_EQ(h.callStates(), std::vector<std::string>{"incoming"});
    const ViewModel& v = h.widget->view();
    EXPECT_TRUE(v.call.incoming);
    EXPECT_EQ(v.call.status, "客服来电（视频）");
    EXPECT_EQ(v.answerLabel, "接听");
    EXPECT_EQ(v.declineLabel, "拒绝");
    EXPECT_TRUE(h.devices.requests.empty()) << "no camera or microphone before 接听";
    EXPECT_EQ(h.http.countOf("POST", "/2/callKefu"), 0u);
}

TEST(WidgetCallBack, AnswerRunsTheOrdinaryCallNamingTheCallBack) {
    Harness h;
    h.ring("c_77", false);
    h.press(true);
    ASSERT_EQ(h.devices.requests.size(), 1u);
    EXPECT_FALSE(h.devices.requests[0].video) << "the kind the agent chose";
    EXPECT_NE(h.callState(), "incoming");
    EXPECT_FALSE(h.widget->view().call.incoming);
    h.devices.grant(true, false);
    for (const auto& c : h.sockets.connections)
        if (c->url.find("/peerjs?") != std::string::npos) {
            c->accept();
            c->receive(R"({"type":"OPEN"})");
        }
    const json body = h.lastCallKefu();
    EXPECT_EQ(body["action"], "callpeer");
    EXPECT_EQ(body["call_id"], "c_77");
    EXPECT_TRUE(body["peer_id"].is_string());
}

TEST(WidgetCallBack, DeclinePostsDeclineAndStartsNothing) {
    Harness h;
    h.ring("c_5", true);
    h.press(false);
    EXPECT_EQ(h.lastCallKefu(), (json{{"action", "decline"}, {"call_id", "c_5"}}));
    EXPECT_EQ(h.callState(), "idle");
    EXPECT_FALSE(h.widget->view().call.incoming);
    EXPECT_TRUE(h.devices.requests.empty());
    EXPECT_EQ(h.callStates(), (std::vector<std::string>{"incoming", "ended"}));
}

TEST(WidgetCallBack, RingEndStopsOnlyItsOwnRing) {
    Harness h;
    h.ring("c_1", false);
    h.chat().receive(R"({"type":"ring_end","data":{"callId":"c_other","reason":"timeout"}})");
    EXPECT_EQ(h.callState(), "incoming");
    h.chat().receive(R"({"type":"ring_end","data":{"callId":"c_1","reason":"timeout"}})");
    EXPECT_EQ(h.callState(), "idle");
    EXPECT_EQ(h.http.countOf("POST", "/2/callKefu"), 0u) << "nothing to decline once it stopped";
}

TEST(WidgetCallBack, HostileRingsAreIgnored) {
    Harness h;
    for (const char* frame :
         {R"({"type":"ring","data":{"callId":"c_1\",\"action\":\"callpeer"}})",
          R"({"type":"ring","data":{"callId":42}})", R"({"type":"ring","data":{"callId":""}})",
          R"({"type":"ring","data":{"callId":"c_1","video":"yes"}})", R"({"type":"ring","data":[]})"})
        h.chat().receive(frame);
    h.chat().receive(json{{"type", "ring"}, {"data", {{"callId", std::string(101, 'a')}}}}.dump());
    EXPECT_EQ(h.callState(), "idle");
    EXPECT_FALSE(h.widget->isOpen());
}

TEST(WidgetCallBack, ABrowserWithoutCallsDeclinesAtOnce) {
    Harness h(false);
    h.ring("c_9", false);
    EXPECT_EQ(h.lastCallKefu(), (json{{"action", "decline"}, {"call_id", "c_9"}}));
    EXPECT_EQ(h.callState(), "idle");
}

TEST(WidgetCallBack, AnswerRefusedByThePermissionPromptCancelsTheCallBack) {
    Harness h;
    h.ring("c_42", false);
    h.press(true);
    ASSERT_EQ(h.devices.requests.size(), 1u);
    h.devices.deny("NotAllowedError");
    EXPECT_EQ(h.callState(), "failed");
    EXPECT_EQ(json::parse(h.widget->stateJson())["callReason"], "permission-denied");
    EXPECT_EQ(h.lastCallKefu(), (json{{"action", "cancel"}, {"call_id", "c_42"}, {"reason", "permission-denied"}}))
        << "the agent is not left ringing, and hears why";
}
