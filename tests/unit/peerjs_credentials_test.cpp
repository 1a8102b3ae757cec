// Credentials mode of the PeerJS signalling: the backend's own server registers only an id and token it
// issued to the visitor (POST /api/peer-credentials, docs/PROTOCOL.md §6.2).
#include "call_fakes.hpp"
#include "core/peerjs/options.hpp"
#include "core/peerjs/socket.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace kefu;
using namespace kefu::calltest;
using kefu::peerjs::Signaling;

namespace {

constexpr const char* kIssued = R"({"id":"p0123456789abcdef0123456789abcdef","token":"00ff00ff00ff00ff00ff00ff00ff00ff",
                                    "expires":1767225600000})";
constexpr const char* kIssuedId = "p0123456789abcdef0123456789abcdef";
constexpr const char* kIssuedToken = "00ff00ff00ff00ff00ff00ff00ff00ff";

class PeerjsCredentialsTest : public ::testing::Test {
  protected:
    PeerjsCredentialsTest() : signaling(options(), scheduler, sockets.factory(), http.fn()) {
        signaling.onStateChange([this](Signaling::State s) { states.push_back(s); });
    }

    static peerjs::Options options() {
        peerjs::Options o;
        o.host = "chat.example.com";
        o.port = 443;
        o.secure = true;
        o.path = "/peerjs";
        o.credentialsUrl = "https://chat.example.com/api/peer-credentials";
        o.credentialsBearer = "visitor-token";
        return o;
    }

    // open() -> credentials answered with `body` -> socket OPEN.
    void register_(const std::string& body = kIssued) {
        signaling.open();
        http.respondLast(200, body);
        ASSERT_GT(sockets.size(), 0u);
        sockets.last().open();
        sockets.last().receive(R"({"type":"OPEN"})");
        ASSERT_EQ(signaling.state(), Signaling::State::Open);
    }

    FakeScheduler scheduler;
    FakeSockets sockets;
    FakeHttp http;
    Signaling signaling;
    std::vector<Signaling::State> states;
};

} // namespace

TEST_F(PeerjsCredentialsTest, RegistersTheIssuedIdAndToken) {
    signaling.open();
    EXPECT_EQ(signaling.state(), Signaling::State::FetchingId);
    ASSERT_EQ(http.requests.size(), 1u);
    EXPECT_EQ(http.requests[0].method, "POST");
    EXPECT_EQ(http.requests[0].url, "https://chat.example.com/api/peer-credentials");
    EXPECT_EQ(http.requests[0].bearer, "visitor-token");
    EXPECT_EQ(sockets.size(), 0u); // nothing registers before the server issued the id
    http.respondLast(200, kIssued);
    EXPECT_EQ(signaling.id(), kIssuedId);
    EXPECT_EQ(signaling.token(), kIssuedToken);
    ASSERT_EQ(sockets.size(), 1u);
    EXPECT_EQ(sockets.last().url, std::string("wss://chat.example.com:443/peerjs/peerjs?key=peerjs&id=") + kIssuedId +
                                      "&token=" + kIssuedToken + "&version=1.5.5");
    sockets.last().open();
    sockets.last().receive(R"({"type":"OPEN"})");
    EXPECT_EQ(signaling.state(), Signaling::State::Open);
}

TEST_F(PeerjsCredentialsTest, ARefusalOrAMalformedAnswerIsAServerErrorWithoutASocket) {
    const std::vector<std::pair<int, std::string>> answers = {
        {0, ""},
        {401, R"({"error":{"code":"unauthorized","message":"A valid visitor token is required"}})"},
        {429, R"({"error":{"code":"rate_limited"}})"},
        {200, "not json"},
        {200, "[]"},
        {200, R"({"id":"p1"})"},
        {200, R"({"token":"t1"})"},
        {200, R"({"id":"bad id!","token":"t1"})"},
        {200, R"({"id":"-p1","token":"t1"})"},
        {200, R"({"id":"p1","token":"t&id=other"})"},
        {200, R"({"id":"p1","token":""})"},
        {200, R"({"id":"p1","token":42})"},
        {200, R"({"id":["p1"],"token":"t1"})"},
        {200, R"({"id":"p1","token":"t1","expires":"soon"})"},
        {200, R"({"id":"p1","token":"t1","expires":-5})"},
        {200, R"({"id":"p1","token":"t1","x":[[[[1]]]]})"},
        {200, std::string(R"({"id":")") + std::string(101, 'a') + R"(","token":"t1"})"},
        {200, std::string(R"({"id":"p1","token":")") + std::string(129, 'a') + R"("})"},
        {200, std::string(R"({"id":"p1","token":"t1","pad":")") + std::string(5000, ' ') + R"("})"},
    };
    for (const auto& [status, body] : answers) {
        signaling.open();
        http.respondLast(status, body);
        EXPECT_EQ(signaling.state(), Signaling::State::Failed) << status << " " << body;
        EXPECT_EQ(signaling.errorType(), "server-error") << body;
        EXPECT_TRUE(signaling.id().empty()) << body;
    }
    EXPECT_EQ(sockets.size(), 0u);
}

TEST_F(PeerjsCredentialsTest, ALostRegistrationIsTakenUpAgainWithTheSameCredentialsOnce) {
    register_();
    sockets.last().serverClose(1006); // the server went away, or closed an idle socket
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    signaling.open(); // like stock peerjs reconnect(): no new credentials, same id, so the call bound to it goes on
    EXPECT_EQ(http.requests.size(), 1u);
    ASSERT_EQ(sockets.size(), 2u);
    EXPECT_NE(sockets.last().url.find(std::string("&id=") + kIssuedId + "&token=" + kIssuedToken), std::string::npos);
    // The server refuses them now (expired, revoked): the next open() asks for new ones.
    sockets.last().serverClose(1006);
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    signaling.open();
    EXPECT_EQ(http.requests.size(), 2u);
    EXPECT_EQ(signaling.state(), Signaling::State::FetchingId);
}

TEST_F(PeerjsCredentialsTest, AHandlerReopeningAtOnceAlsoReusesThem) {
    register_();
    signaling.onStateChange([this](Signaling::State s) {
        if (s == Signaling::State::Failed) signaling.open(); // what CallController does while ringing
    });
    sockets.last().serverClose(1006);
    EXPECT_EQ(signaling.state(), Signaling::State::Connecting);
    EXPECT_EQ(http.requests.size(), 1u);
    EXPECT_EQ(signaling.id(), kIssuedId);
}

TEST_F(PeerjsCredentialsTest, IdTakenOrAnExplicitCloseGetNewCredentials) {
    register_();
    signaling.close();
    signaling.open();
    EXPECT_EQ(http.requests.size(), 2u); // closed on purpose: never the old id again
    http.respondLast(200, R"({"id":"p2","token":"t2"})");
    ASSERT_EQ(signaling.id(), "p2");
    sockets.last().open();
    sockets.last().receive(R"({"type":"ID-TAKEN","payload":{"msg":"ID is taken"}})");
    EXPECT_EQ(signaling.state(), Signaling::State::FetchingId);
    EXPECT_EQ(http.requests.size(), 3u);
    http.respondLast(200, R"({"id":"p3","token":"t3"})");
    EXPECT_EQ(signaling.id(), "p3");
}

TEST_F(PeerjsCredentialsTest, WithoutCredentialsUrlTheIdIsChosenAsBefore) {
    auto o = options();
    o.credentialsUrl.clear();
    signaling.setOptions(o);
    signaling.open();
    EXPECT_TRUE(http.requests.empty());
    EXPECT_EQ(signaling.state(), Signaling::State::Connecting);
    EXPECT_EQ(signaling.id().rfind("kefu", 0), 0u);
    sockets.last().serverClose(1006);
    signaling.open(); // a stock server may still hold the old id: a new one every time
    EXPECT_NE(sockets.last().url.find("&id=kefu"), std::string::npos);
}

TEST(PeerjsParseCredentials, ReadsTheTypedFieldsOnly) {
    peerjs::Credentials c;
    ASSERT_TRUE(peerjs::parseCredentials(kIssued, c));
    EXPECT_EQ(c.id, kIssuedId);
    EXPECT_EQ(c.token, kIssuedToken);
    EXPECT_EQ(c.expiresMs, 1767225600000);
    ASSERT_TRUE(peerjs::parseCredentials(R"({"id":"a b-c_d","token":"Az09-_"})", c));
    EXPECT_EQ(c.expiresMs, 0);
    peerjs::Credentials kept = c;
    std::string deep = R"({"id":"p1","token":"t1","x":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
    EXPECT_FALSE(peerjs::parseCredentials(deep, c));
    EXPECT_FALSE(peerjs::parseCredentials(R"({"id":"p1","token":"t1","expires":1e400})", c));
    EXPECT_FALSE(peerjs::parseCredentials(R"({"id":"p1","token":"t1","expires":18446744073709551615})", c));
    EXPECT_EQ(c.id, kept.id); // untouched on failure
}

TEST_F(PeerjsCredentialsTest, ACredentialsRequestThatNeverAnswersFailsAfterTheOpenTimeout) {
    // Its connection may be bound to an address the network took away: no answer ever comes.
    signaling.open();
    scheduler.advance(Signaling::kOpenTimeoutMs - 1);
    EXPECT_EQ(signaling.state(), Signaling::State::FetchingId);
    scheduler.advance(1);
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    EXPECT_EQ(signaling.errorType(), "network");
    http.respondLast(200, kIssued); // too late: nothing registers behind the caller's back
    EXPECT_EQ(sockets.size(), 0u);
    signaling.open();
    EXPECT_EQ(http.requests.size(), 2u);
}

TEST_F(PeerjsCredentialsTest, ReconnectDropsAPendingCredentialsRequestAndAsksAgain) {
    signaling.open();
    signaling.reconnect();
    ASSERT_EQ(http.requests.size(), 2u);
    EXPECT_EQ(signaling.state(), Signaling::State::FetchingId);
    http.respond(0, 200, R"({"id":"pold","token":"told"})"); // the dropped request answers after all
    EXPECT_EQ(sockets.size(), 0u);
    http.respondLast(200, kIssued);
    EXPECT_EQ(signaling.id(), kIssuedId);
    ASSERT_EQ(sockets.size(), 1u);
    scheduler.advance(Signaling::kOpenTimeoutMs - 1); // the handshake has its own full time
    EXPECT_EQ(signaling.state(), Signaling::State::Connecting);
}
