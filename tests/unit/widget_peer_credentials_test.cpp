// Which PeerJS id the widget registers: one the backend issued to this visitor when /api/config says the
// backend's own server wants credentials (`peer.auth:"kefu"`), its own random id on any other server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "widget_rig.hpp"

using namespace kefu;
using json = nlohmann::json;
using kefu::test::FakeConnection;

namespace {

std::string config(const std::string& auth) {
    json peer = {{"host", "chat.example.com"}, {"port", 443}, {"path", "/peerjs"}, {"key", "peerjs"}, {"secure", true}};
    if (!auth.empty()) peer["auth"] = auth;
    return json{{"kefu", {{"id", "kefu1"}, {"name", "小美"}}}, {"peer", peer}, {"iceServers", json::array()}}.dump();
}

// `s` on chat.example.com in English; a returning visitor (token and id stored) unless told otherwise.
WidgetSettings visitor(WidgetSettings s, bool returning) {
    s.server = "https://chat.example.com";
    s.lang = "en";
    if (returning) {
        s.token = "tok1";
        s.visitorId = "v_1";
    }
    return s;
}

struct Rig : test::WidgetRig {
    explicit Rig(WidgetSettings s, bool returning = true) : WidgetRig(visitor(std::move(s), returning)) {}

    // Config loaded, chat authenticated, a voice call started with the microphone granted.
    void call(const std::string& auth) {
        online(config(auth));
        std::string err;
        ASSERT_TRUE(widget->startCall(false, err)) << err;
        devices.grant(true, false);
    }

    void registerPeer() {
        FakeConnection* p = socket("/peerjs?");
        ASSERT_NE(p, nullptr);
        p->accept();
        p->receive(R"({"type":"OPEN"})");
    }
};

} // namespace

TEST(WidgetPeerCredentials, TheBackendsOwnServerRegistersTheIdItIssuedAndTheCallIsBoundToIt) {
    Rig r{WidgetSettings{}};
    r.call("kefu");
    EXPECT_EQ(r.socket("/peerjs?"), nullptr) << "no registration before the backend issued the id";
    kefu::test::FakeRequest* req = r.http.find("POST", "/api/peer-credentials");
    ASSERT_NE(req, nullptr);
    EXPECT_EQ(req->url, "https://chat.example.com/api/peer-credentials");
    EXPECT_EQ(req->bearer, "tok1");
    ASSERT_TRUE(r.http.reply("POST", "/api/peer-credentials", 200,
                             R"({"id":"p00aa11bb","token":"0123abcd","expires":1767225600000})"));
    FakeConnection* peer = r.socket("/peerjs?");
    ASSERT_NE(peer, nullptr);
    EXPECT_NE(peer->url.find("&id=p00aa11bb&token=0123abcd&"), std::string::npos) << peer->url;
    r.registerPeer();
    kefu::test::FakeRequest* ring = r.http.find("POST", "/2/callKefu");
    ASSERT_NE(ring, nullptr);
    EXPECT_EQ(json::parse(ring->body)["peer_id"], "p00aa11bb");
}

TEST(WidgetPeerCredentials, RefusedCredentialsEndTheCallAsServerUnreachable) {
    Rig r{WidgetSettings{}};
    r.call("kefu");
    ASSERT_TRUE(r.http.reply("POST", "/api/peer-credentials", 429, R"({"error":{"code":"rate_limited"}})"));
    EXPECT_EQ(r.socket("/peerjs?"), nullptr);
    EXPECT_EQ(r.http.find("POST", "/2/callKefu"), nullptr) << "the agent is not rung";
    EXPECT_EQ(json::parse(r.widget->stateJson())["callReason"], "server-unreachable");
}

TEST(WidgetPeerCredentials, AStandaloneServerKeepsTheWidgetsOwnRandomId) {
    for (const std::string auth : {"", "none"}) {
        Rig r{WidgetSettings{}};
        r.call(auth);
        EXPECT_EQ(r.http.find("POST", "/api/peer-credentials"), nullptr) << auth;
        FakeConnection* peer = r.socket("/peerjs?");
        ASSERT_NE(peer, nullptr);
        EXPECT_NE(peer->url.find("&id=kefu"), std::string::npos) << peer->url;
    }
    // A server the site names itself (data-peer-host) is not the backend's, whatever the backend says.
    WidgetSettings s;
    s.peerHost = "peer.example.org";
    Rig r{s};
    r.call("kefu");
    EXPECT_EQ(r.http.find("POST", "/api/peer-credentials"), nullptr);
    FakeConnection* peer = r.socket("/peerjs?");
    ASSERT_NE(peer, nullptr);
    EXPECT_EQ(peer->url.rfind("wss://peer.example.org:443/peerjs/peerjs?key=peerjs&id=kefu", 0), 0u) << peer->url;
}

TEST(WidgetPeerCredentials, TheRingGoesOutWithTheIssuedIdBeforeTheRegistrationCompletes) {
    Rig r{WidgetSettings{}};
    r.call("kefu");
    ASSERT_TRUE(r.http.reply("POST", "/api/peer-credentials", 200, R"({"id":"p00aa11bb","token":"0123abcd"})"));
    // The id is the server's to give and nobody else's: ringing does not wait for the socket's OPEN.
    kefu::test::FakeRequest* ring = r.http.find("POST", "/2/callKefu");
    ASSERT_NE(ring, nullptr);
    EXPECT_EQ(json::parse(ring->body)["peer_id"], "p00aa11bb");
    ASSERT_TRUE(r.http.reply("POST", "/2/callKefu", 200, R"({"ok":true,"callId":"c_1","peer":"pagent1"})"));
    EXPECT_EQ(json::parse(r.widget->stateJson())["call"], "ringing");
    // Once registered, the offer goes to the console's standing peer while it rings.
    r.registerPeer();
    FakeConnection* peer = r.socket("/peerjs?");
    r.rtc.last().negotiate();
    bool offered = false;
    for (const auto& f : peer->sent) {
        const json j = json::parse(f, nullptr, false);
        if (j.is_object() && j.value("type", "") == "OFFER" && j.value("dst", "") == "pagent1") offered = true;
    }
    EXPECT_TRUE(offered);
}

TEST(WidgetPeerCredentials, AFirstVisitRegistersAheadOnceItsTokenExists) {
    Rig r{WidgetSettings{}, /*returning=*/false};
    r.widget->start();
    r.widget->setOpen(true); // first use: the config and a new visitor are asked for
    ASSERT_TRUE(r.http.reply("GET", "/api/config", 200, config("kefu")));
    r.widget->setOpen(false);
    r.widget->setOpen(true); // registering ahead of the click is wanted now, but there is no token yet
    EXPECT_EQ(r.http.find("POST", "/api/peer-credentials"), nullptr) << "never asked without a token";
    ASSERT_TRUE(r.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_9","token":"tok9"})"));
    kefu::test::FakeRequest* req = r.http.find("POST", "/api/peer-credentials");
    ASSERT_NE(req, nullptr) << "the registration ahead of the click starts with the new token";
    EXPECT_EQ(req->bearer, "tok9");
}
