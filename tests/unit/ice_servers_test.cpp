// TURN credentials for the widget's calls: the strict decode of POST /api/ice-servers, their renewal and
// expiry, and the widget making each call's connection with fresh ones (falling back to the config's list).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "call_fakes.hpp"
#include "core/ice_servers.hpp"
#include "core/widget.hpp"
#include "fakes.hpp"

using namespace kefu;
using json = nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr const char* kServer = "https://chat.example.com";
const std::string kStun = R"([{"urls":"stun:stun.example.com"}])";

std::string answer(const std::string& user, std::int64_t expiresMs) {
    return json{{"iceServers",
                 {{{"urls", "stun:stun.example.com"}},
                  {{"urls", {"turn:turn.example.com:3478?transport=udp", "turn:turn.example.com:3478?transport=tcp"}},
                   {"username", user},
                   {"credential", "c2VjcmV0"}}}},
                {"expires", expiresMs}}
        .dump();
}

std::string turnUser(const std::string& iceJson) {
    const json a = json::parse(iceJson, nullptr, false);
    if (!a.is_array()) return "(not an array)";
    for (const json& s : a)
        if (s.contains("username")) return s["username"].get<std::string>();
    return {};
}

} // namespace

// ---- decoding ----

TEST(IceServersAnswer, KeepsOnlyTheKnownFieldsOfAWellFormedAnswer) {
    const auto r = parseIceServersAnswer(answer("1700003600:v_1", kNow + 3600000));
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.value.servers.size(), 2u);
    EXPECT_EQ(r.value.servers[1].urls.size(), 2u);
    EXPECT_EQ(r.value.servers[1].username, "1700003600:v_1");
    EXPECT_EQ(r.value.expiresMs, kNow + 3600000);
    EXPECT_EQ(json::parse(iceServersJson(r.value.servers)), json::parse(R"([{"urls":["stun:stun.example.com"]},
        {"urls":["turn:turn.example.com:3478?transport=udp","turn:turn.example.com:3478?transport=tcp"],
         "username":"1700003600:v_1","credential":"c2VjcmV0"}])"));
}

TEST(IceServersAnswer, RefusesAnythingOffTheContract) {
    const char* bad[] = {
        "",
        "[]",
        "not json",
        R"({"iceServers":[]})",                                                         // no expires
        R"({"iceServers":[],"expires":"soon"})",                                        // wrong type
        R"({"iceServers":{},"expires":1})",                                             // not a list
        R"({"iceServers":[{"urls":"http://evil.example.com"}],"expires":1})",           // not an ICE url
        R"({"iceServers":[{"urls":"turn:t.example.com"}],"expires":1})",                // TURN without credentials
        R"({"iceServers":[{"urls":"turn:t.example.com","username":"u"}],"expires":1})", // half of them
        R"({"iceServers":[{"urls":"stun:a b"}],"expires":1})",                          // a space
        R"({"iceServers":[{"urls":[]}],"expires":1})",                                  // no url
        R"({"iceServers":[{"urls":[1]}],"expires":1})",                                 // a number
        R"({"iceServers":[{"urls":"stun:s","credentialType":"oauth"}],"expires":1})",   // an unknown field
        R"({"iceServers":[{"urls":"stun:s","username":7}],"expires":1})",               // a number
        R"({"iceServers":["stun:s"],"expires":1})",                                     // not an object
        R"({"iceServers":[{"urls":[["stun:s"]]}],"expires":1})",                        // too deep
        R"({"iceServers":[],"expires":-5})",                                            // negative
    };
    for (const char* b : bad) {
        const auto r = parseIceServersAnswer(b);
        EXPECT_FALSE(r.ok) << b;
        EXPECT_FALSE(r.error.empty()) << b;
    }
}

TEST(IceServersAnswer, DeepOrHugeInputFailsWithoutCrashing) {
    std::string deep = R"({"iceServers":[{"urls":)";
    for (int i = 0; i < 100000; ++i) deep += '[';
    const auto r = parseIceServersAnswer(deep);
    EXPECT_FALSE(r.ok);
    const auto nested = parseIceServersAnswer(R"({"iceServers":[{"urls":[[[[["stun:s"]]]]]}],"expires":1})");
    EXPECT_FALSE(nested.ok);
    EXPECT_NE(nested.error.find("deep"), std::string::npos) << nested.error;
    std::string big = R"({"iceServers":[{"urls":"stun:)" + std::string(20000, 'a') + R"("}],"expires":1})";
    EXPECT_FALSE(parseIceServersAnswer(big).ok);
    std::string many = R"({"iceServers":[)";
    for (int i = 0; i < 17; ++i) many += std::string(i ? "," : "") + R"({"urls":"stun:s"})";
    EXPECT_FALSE(parseIceServersAnswer(many + R"(],"expires":1})").ok);
}

// ---- renewal ----

struct Credentials : ::testing::Test {
    test::FakeScheduler clock{kNow};
    test::FakeHttp http;
    IceCredentials ice{clock, http.fn()};
    int changes = 0;
    std::vector<std::string> warnings;
    void SetUp() override {
        ice.onChange([this] { ++changes; });
        ice.onWarning([this](const std::string& w) { warnings.push_back(w); });
        ice.configure(kServer, "tok1", true);
    }
};

TEST_F(Credentials, AsksWithTheVisitorTokenAndRenewsBeforeTheyExpire) {
    ice.refresh();
    ice.refresh(); // one request at a time
    ASSERT_EQ(http.countOf("POST", "/api/ice-servers"), 1u);
    EXPECT_EQ(http.requests[0]->url, std::string(kServer) + "/api/ice-servers");
    EXPECT_EQ(http.requests[0]->bearer, "tok1");
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u1", kNow + 3600000)));
    EXPECT_EQ(changes, 1);
    EXPECT_EQ(turnUser(ice.iceServersJson(kStun)), "u1");
    // 80 % into their life they are fetched again; the old ones stay in use meanwhile.
    clock.advance(2880000 - 1);
    EXPECT_EQ(http.countOf("POST", "/api/ice-servers"), 1u);
    clock.advance(1);
    ASSERT_EQ(http.countOf("POST", "/api/ice-servers"), 2u);
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u2", kNow + 2 * 3600000)));
    EXPECT_EQ(turnUser(ice.iceServersJson(kStun)), "u2");
}

TEST_F(Credentials, FailuresFallBackToTheConfigsListAndExpiredOnesAreDropped) {
    ice.refresh();
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 500, R"({"error":{"code":"internal"}})"));
    EXPECT_EQ(ice.iceServersJson(kStun), kStun);
    ASSERT_EQ(warnings.size(), 1u);

    ice.refresh();
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, R"({"iceServers":[{"urls":"turn:x"}],"expires":1})"));
    EXPECT_EQ(ice.iceServersJson(kStun), kStun);

    ice.refresh();
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u1", kNow + 30000))); // ends too soon
    EXPECT_EQ(ice.iceServersJson(kStun), kStun);

    ice.refresh();
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u1", kNow + 600000)));
    EXPECT_EQ(turnUser(ice.iceServersJson(kStun)), "u1");
    clock.advance(480000); // the renewal fails…
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 0, ""));
    EXPECT_EQ(turnUser(ice.iceServersJson(kStun)), "u1"); // …they are still good for a while
    clock.advance(60000);                                 // a minute before their end they are dropped
    EXPECT_EQ(ice.iceServersJson(kStun), kStun);
    EXPECT_EQ(changes, 2);
}

TEST_F(Credentials, NothingIsAskedWhenTheBackendOffersNoneAndANewIdentityDropsTheOldOnes) {
    ice.configure(kServer, "tok1", false);
    ice.refresh();
    EXPECT_EQ(http.countOf("POST", "/api/ice-servers"), 0u);
    ice.configure(kServer, "tok1", true); // wanted meanwhile: asked now
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("v1", kNow + 3600000)));
    ice.configure(kServer, "tok2", true);
    EXPECT_EQ(ice.iceServersJson(kStun), kStun);
    ASSERT_EQ(http.countOf("POST", "/api/ice-servers"), 2u);
    EXPECT_EQ(http.requests.back()->bearer, "tok2");
}

// ---- the widget ----

struct WidgetIce : ::testing::Test {
    test::FakeScheduler clock{kNow};
    test::FakeSocketHub sockets;
    test::FakeHttp http;
    calltest::FakeMediaDevices devices;
    calltest::FakeRtc rtc;
    std::unique_ptr<Widget> widget;

    // `answered`: /api/config answers at once (else the test does, with config()).
    void make(const std::string& siteIce = "", bool answered = true, const std::string& resume = "") {
        WidgetSettings s;
        s.server = kServer;
        s.token = "tok1";
        s.visitorId = "v_1";
        s.iceServersJson = siteIce;
        s.callJson = resume;
        widget = std::make_unique<Widget>(
            s, Widget::Platform{clock, sockets.factory(), http.fn(), devices, rtc.factory(), test::sequenceRandom()});
        widget->start();
        if (answered) config();
    }
    void config() {
        const std::string c =
            R"({"kefu":{"id":"kefu1","name":"小美"},"peer":{"host":"peer.example.com","port":9000,"path":"/peerjs",
                "key":"peerjs","secure":false},"iceServers":[{"urls":"stun:stun.example.com"}],"turnCredentials":true})";
        ASSERT_TRUE(http.reply("GET", "/api/config", 200, c));
    }
    test::FakeConnection* peer() {
        for (auto& c : sockets.connections)
            if (c->url.find("/peerjs?") != std::string::npos) return c.get();
        return nullptr;
    }
};

TEST_F(WidgetIce, PanelOpenFetchesCredentialsAndTheConnectionMadeAheadUsesThem) {
    make();
    EXPECT_EQ(http.countOf("POST", "/api/ice-servers"), 0u) << "nothing before a call becomes likely";
    widget->setOpen(true);
    ASSERT_EQ(http.countOf("POST", "/api/ice-servers"), 1u);
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u1", kNow + 3600000)));
    clock.advance(250);
    ASSERT_EQ(rtc.size(), 1u);
    EXPECT_EQ(turnUser(rtc.last().iceServers), "u1");
}

TEST_F(WidgetIce, ALateAnswerRebuildsTheConnectionMadeAheadAndAFailedOneKeepsTheConfigsServers) {
    make();
    widget->setOpen(true);
    clock.advance(250);
    ASSERT_EQ(rtc.size(), 1u);
    EXPECT_EQ(json::parse(rtc.last().iceServers), json::parse(kStun)) << "the click never waits for credentials";
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u1", kNow + 3600000)));
    clock.advance(250);
    ASSERT_EQ(rtc.size(), 2u);
    EXPECT_TRUE(rtc.records[0]->closed);
    EXPECT_EQ(turnUser(rtc.last().iceServers), "u1");
}

TEST_F(WidgetIce, EveryCallEndFetchesFreshCredentialsForTheNextConnection) {
    make();
    widget->setOpen(true);
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u1", kNow + 3600000)));
    clock.advance(250);
    std::string err;
    ASSERT_TRUE(widget->startCall(false, err)) << err;
    devices.grant(true, false);
    ASSERT_NE(peer(), nullptr);
    peer()->accept();
    peer()->receive(R"({"type":"OPEN"})");
    ASSERT_TRUE(http.reply("POST", "/2/callKefu", 200, R"({"ok":true,"callId":"c_1"})"));
    EXPECT_EQ(turnUser(rtc.records[0]->iceServers), "u1") << "the call uses the connection made ahead";
    widget->hangup();
    ASSERT_EQ(http.countOf("POST", "/api/ice-servers"), 2u);
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u2", kNow + 3600000)));
    clock.advance(1000);
    EXPECT_EQ(turnUser(rtc.last().iceServers), "u2");
}

TEST_F(WidgetIce, SiteProvidedServersAreUsedAsTheyAre) {
    const std::string own = R"([{"urls":"turn:own.example.com","username":"site","credential":"pw"}])";
    make(own);
    widget->setOpen(true);
    clock.advance(250);
    EXPECT_EQ(http.countOf("POST", "/api/ice-servers"), 0u);
    ASSERT_EQ(rtc.size(), 1u);
    EXPECT_EQ(turnUser(rtc.last().iceServers), "site");
}

// Behind a NAT only a relay crosses, a connection made without the visitor's TURN credentials cannot
// connect: a click on 语音 while they are on their way waits for them (briefly), then calls with them.
TEST_F(WidgetIce, ACallClickedWhileItsCredentialsAreOnTheirWayWaitsForThemAndUsesThem) {
    make();
    widget->setOpen(true);
    ASSERT_EQ(http.countOf("POST", "/api/ice-servers"), 1u);
    std::string err;
    ASSERT_TRUE(widget->startCall(false, err)) << err;
    EXPECT_TRUE(devices.requests.empty()) << "the call started before its credentials came";
    EXPECT_EQ(rtc.size(), 0u);
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u1", kNow + 3600000)));
    ASSERT_EQ(devices.requests.size(), 1u) << "the call starts once they are there";
    devices.grant(true, false);
    ASSERT_NE(peer(), nullptr);
    peer()->accept();
    peer()->receive(R"({"type":"OPEN"})");
    ASSERT_TRUE(http.reply("POST", "/2/callKefu", 200, R"({"ok":true,"callId":"c_1"})"));
    ASSERT_GE(rtc.size(), 1u);
    EXPECT_EQ(turnUser(rtc.last().iceServers), "u1");
}

TEST_F(WidgetIce, ACallWaitingForItsCredentialsGoesWithoutThemAfterThreeSeconds) {
    make();
    widget->setOpen(true);
    std::string err;
    ASSERT_TRUE(widget->startCall(false, err)) << err;
    clock.advance(2900);
    EXPECT_TRUE(devices.requests.empty());
    clock.advance(100);
    EXPECT_EQ(devices.requests.size(), 1u) << "a slow answer holds the call 3 s at most";
}

TEST_F(WidgetIce, ACallWaitingForItsCredentialsGoesAtOnceWhenTheyAreRefused) {
    make();
    widget->setOpen(true);
    std::string err;
    ASSERT_TRUE(widget->startCall(false, err)) << err;
    EXPECT_EQ(devices.requests.size(), 0u);
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 503, "{}"));
    EXPECT_EQ(devices.requests.size(), 1u) << "no credentials coming: the call goes at once";
}

// The chat can be up before /api/config answers: a click then waits for the config, and the config's
// offer of TURN credentials is taken up before the call goes (it went without them once, by chance).
TEST_F(WidgetIce, ACallClickedBeforeTheConfigCameWaitsForTheCredentialsItOffers) {
    make("", /*answered=*/false);
    widget->setOpen(true);
    std::string err;
    ASSERT_TRUE(widget->startCall(false, err)) << err;
    EXPECT_EQ(http.countOf("POST", "/api/ice-servers"), 0u) << "nothing is offered yet";
    config();
    ASSERT_EQ(http.countOf("POST", "/api/ice-servers"), 1u) << "asked for as the config offers them";
    EXPECT_TRUE(devices.requests.empty()) << "the call went before its credentials came";
    EXPECT_EQ(rtc.size(), 0u);
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u1", kNow + 3600000)));
    ASSERT_EQ(devices.requests.size(), 1u);
    devices.grant(true, false);
    ASSERT_NE(peer(), nullptr);
    peer()->accept();
    peer()->receive(R"({"type":"OPEN"})");
    ASSERT_TRUE(http.reply("POST", "/2/callKefu", 200, R"({"ok":true,"callId":"c_1"})"));
    ASSERT_GE(rtc.size(), 1u);
    for (const auto& pc : rtc.records) EXPECT_EQ(turnUser(pc->iceServers), "u1") << "every connection has the relay";
}

// A call carried over from the page before (a navigation) re-dials the agent: behind a NAT only a relay
// crosses, that connection needs the credentials as much as a new call's, panel open or not.
TEST_F(WidgetIce, ACallTakenUpFromThePageBeforeAsksForCredentials) {
    const std::string record = R"({"v":1,"callId":"c_1","agentPeer":"agent1","video":false,"startedMs":)" +
                               std::to_string(kNow - 20000) + R"(,"savedMs":)" + std::to_string(kNow - 500) + "}";
    make("", true, record);
    EXPECT_EQ(json::parse(widget->stateJson())["call"], "in-call");
    ASSERT_EQ(http.countOf("POST", "/api/ice-servers"), 1u);
    ASSERT_TRUE(http.reply("POST", "/api/ice-servers", 200, answer("u1", kNow + 3600000)));
    devices.grant(true, false);
    ASSERT_NE(peer(), nullptr);
    peer()->accept();
    peer()->receive(R"({"type":"OPEN"})");
    ASSERT_TRUE(http.reply("POST", "/2/callKefu", 200, R"({"ok":true})"));
    ASSERT_GE(rtc.size(), 1u);
    EXPECT_EQ(turnUser(rtc.last().iceServers), "u1");
}
