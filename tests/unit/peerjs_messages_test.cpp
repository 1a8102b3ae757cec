#include "core/peerjs/messages.hpp"

#include <gtest/gtest.h>
#include "json_eq.hpp"

using kefu::test::J;

using namespace kefu::peerjs;

TEST(PeerjsMessages, EncodesHeartbeatAndLeave) {
    EXPECT_EQ(encodeHeartbeat(), R"({"type":"HEARTBEAT"})");
    EXPECT_EQ(J(encodeLeave("agent1")), J(R"({"type":"LEAVE","dst":"agent1"})"));
    EXPECT_EQ(encodeLeave(""), ""); // a LEAVE without dst would de-register ourselves
}

TEST(PeerjsMessages, OfferHasStockPeerjsMembers) {
    const std::string sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n";
    EXPECT_EQ(J(encodeOffer("agent1", "mc_abc", sdp, R"({"video":true,"name":"访客"})")),
              J(R"({"type":"OFFER","payload":{"sdp":{"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"},)"
                R"("type":"media","connectionId":"mc_abc","metadata":{"video":true,"name":"访客"}},"dst":"agent1"})"));
    // No metadata: the key is absent, as JSON.stringify drops an undefined metadata.
    EXPECT_EQ(
        J(encodeOffer("a", "mc_1", "x", "")),
        J(R"({"type":"OFFER","payload":{"sdp":{"type":"offer","sdp":"x"},"type":"media","connectionId":"mc_1"},"dst":"a"})"));
    EXPECT_EQ(
        J(encodeOffer("a", "mc_1", "x", "{broken")),
        J(R"({"type":"OFFER","payload":{"sdp":{"type":"offer","sdp":"x"},"type":"media","connectionId":"mc_1"},"dst":"a"})"));
}

TEST(PeerjsMessages, OfferSurvivesInvalidUtf8) {
    const std::string frame = encodeOffer("a", "mc_1", std::string("bad\xff"), "");
    EXPECT_NE(frame.find("\"connectionId\":\"mc_1\""), std::string::npos);
}

TEST(PeerjsMessages, CandidateKeepsOnlyTheToJsonMembers) {
    const std::string in =
        R"({"usernameFragment":"abcd","sdpMLineIndex":0,"sdpMid":"0","candidate":"candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host","extra":1})";
    EXPECT_EQ(
        J(encodeCandidate("agent1", "mc_abc", in)),
        J(R"({"type":"CANDIDATE","payload":{"candidate":{"candidate":"candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host",)"
          R"("sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"abcd"},"type":"media","connectionId":"mc_abc"},"dst":"agent1"})"));
}

TEST(PeerjsMessages, UnusableCandidatesAreNotEncoded) {
    EXPECT_EQ(encodeCandidate("a", "mc", R"({"candidate":"","sdpMid":"0","sdpMLineIndex":0})"), "");
    EXPECT_EQ(encodeCandidate("a", "mc", R"({"candidate":"candidate:1","sdpMid":null,"sdpMLineIndex":null})"), "");
    EXPECT_EQ(encodeCandidate("a", "mc", "null"), "");
    EXPECT_EQ(encodeCandidate("a", "mc", "garbage"), "");
    EXPECT_NE(encodeCandidate("a", "mc", R"({"candidate":"candidate:1","sdpMLineIndex":1})"), "");
}

TEST(PeerjsMessages, ParsesServerControlFrames) {
    EXPECT_EQ(parseServerMessage(R"({"type":"OPEN"})").type, MessageType::Open);
    auto err = parseServerMessage(R"({"type":"ERROR","payload":{"msg":"Invalid key provided"}})");
    EXPECT_EQ(err.type, MessageType::Error);
    EXPECT_EQ(err.errorMessage, "Invalid key provided");
    auto taken = parseServerMessage(R"({"type":"ID-TAKEN","payload":{"msg":"ID is taken"}})");
    EXPECT_EQ(taken.type, MessageType::IdTaken);
    EXPECT_EQ(taken.errorMessage, "ID is taken");
    auto leave = parseServerMessage(R"({"type":"LEAVE","src":"agent1","dst":"me"})");
    EXPECT_EQ(leave.type, MessageType::Leave);
    EXPECT_EQ(leave.src, "agent1");
    EXPECT_EQ(leave.dst, "me");
    auto expire = parseServerMessage(R"({"type":"EXPIRE","src":"agent1","dst":"me"})");
    EXPECT_EQ(expire.type, MessageType::Expire);
    EXPECT_EQ(expire.src, "agent1");
}

TEST(PeerjsMessages, ParsesRelayedAnswerAndCandidate) {
    auto answer = parseServerMessage(
        R"({"type":"ANSWER","src":"agent1","dst":"me","payload":{"sdp":{"type":"answer","sdp":"v=0 a"},"type":"media","connectionId":"mc_1"}})");
    EXPECT_EQ(answer.type, MessageType::Answer);
    EXPECT_EQ(answer.src, "agent1");
    EXPECT_EQ(answer.connectionId, "mc_1");
    EXPECT_EQ(answer.connectionType, "media");
    EXPECT_EQ(answer.sdpType, "answer");
    EXPECT_EQ(answer.sdp, "v=0 a");

    auto cand = parseServerMessage(
        R"({"type":"CANDIDATE","src":"agent1","dst":"me","payload":{"candidate":{"candidate":"candidate:9","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"u"},"type":"media","connectionId":"mc_1"}})");
    EXPECT_EQ(cand.type, MessageType::Candidate);
    EXPECT_EQ(cand.connectionId, "mc_1");
    EXPECT_EQ(cand.candidateJson,
              R"({"candidate":"candidate:9","sdpMLineIndex":0,"sdpMid":"0","usernameFragment":"u"})");

    auto offer = parseServerMessage(
        R"({"type":"OFFER","src":"agent1","dst":"me","payload":{"sdp":{"type":"offer","sdp":"v=0"},"type":"media","connectionId":"mc_9","metadata":{"a":1}}})");
    EXPECT_EQ(offer.type, MessageType::Offer);
    EXPECT_EQ(offer.metadataJson, R"({"a":1})");
}

TEST(PeerjsMessages, MalformedAndUnknownFrames) {
    for (const char* text :
         {"", "not json", "[]", "42", R"({"type":5})", R"({"payload":{}})", R"({"type":"LEAVE"})",
          R"({"type":"ANSWER","src":"a","payload":{"type":"media","connectionId":"mc_1"}})",
          R"({"type":"ANSWER","src":"a","payload":{"sdp":{"type":"answer","sdp":"x"},"type":"media"}})",
          R"({"type":"ANSWER","payload":{"sdp":{"type":"answer","sdp":"x"},"connectionId":"mc_1"}})",
          R"({"type":"CANDIDATE","src":"a","payload":{"candidate":null,"connectionId":"mc_1"}})",
          R"({"type":"CANDIDATE","src":"a","payload":"x"})", "{\"type\":\"OPEN\"\xff"}) {
        EXPECT_EQ(parseServerMessage(text).type, MessageType::Malformed) << text;
    }
    auto foo = parseServerMessage(R"({"type":"FOO","payload":{"x":1}})");
    EXPECT_EQ(foo.type, MessageType::Unknown);
    EXPECT_EQ(foo.typeName, "FOO");
    EXPECT_EQ(parseServerMessage(R"({"type":"INVALID-KEY"})").type, MessageType::Unknown);
}
