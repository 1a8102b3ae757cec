#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/protocol.hpp"

using namespace kefu;
using json = nlohmann::json;

namespace {

// By value: the DecodeResult is usually a temporary.
template <class T> T as(const DecodeResult& r) {
    EXPECT_TRUE(std::holds_alternative<T>(r)) << "variant index " << r.index();
    const T* p = std::get_if<T>(&r);
    return p ? *p : T{};
}

bool isMalformed(std::string_view text) {
    return std::holds_alternative<frame::Malformed>(decodeServerFrame(text));
}

} // namespace

// ---- decoding every server → visitor frame ----

TEST(ProtocolDecode, Hello) {
    const auto h = as<frame::Hello>(decodeServerFrame(
        R"({"type":"hello","data":{"visitorId":"v_1","kefu":{"id":"kefu1","name":"小美","online":true},"lastSeq":42,"visitorReadSeq":40,"agentReadSeq":41}})"));
    EXPECT_EQ(h.visitorId, "v_1");
    EXPECT_EQ(h.kefuId, "kefu1");
    EXPECT_EQ(h.kefuName, "小美");
    EXPECT_TRUE(h.kefuOnline);
    EXPECT_EQ(h.lastSeq, 42);
    EXPECT_EQ(h.visitorReadSeq, 40);
    EXPECT_EQ(h.agentReadSeq, 41);
}

TEST(ProtocolDecode, Ack) {
    const auto a =
        as<frame::Ack>(decodeServerFrame(R"({"type":"ack","data":{"id":"m_1","seq":7,"time":1764000000000}})"));
    EXPECT_EQ(a.id, "m_1");
    EXPECT_EQ(a.seq, 7);
    EXPECT_EQ(a.timeMs, 1764000000000);
}

TEST(ProtocolDecode, TextMessage) {
    const auto m =
        as<frame::MessageFrame>(
            decodeServerFrame(
                R"({"type":"message","data":{"id":"a_1","seq":3,"from":"agent","text":"您好","time":5,"agent":"小美"}})"))
            .message;
    EXPECT_EQ(m.id, "a_1");
    EXPECT_EQ(m.seq, 3);
    EXPECT_EQ(m.from, Sender::Agent);
    EXPECT_EQ(m.text, "您好");
    EXPECT_EQ(m.timeMs, 5);
    EXPECT_EQ(m.agentName, "小美");
    EXPECT_EQ(m.kind, "text");
    EXPECT_FALSE(m.call.has_value());
    EXPECT_EQ(m.delivery, Delivery::Sent);
}

TEST(ProtocolDecode, CallRecordMessage) {
    const auto m =
        as<frame::MessageFrame>(
            decodeServerFrame(
                R"({"type":"message","data":{"id":"c_1","seq":9,"from":"system","text":"","time":5,"kind":"call","call":{"video":true,"duration":151,"outcome":"completed"}}})"))
            .message;
    EXPECT_EQ(m.from, Sender::System);
    EXPECT_EQ(m.kind, "call");
    ASSERT_TRUE(m.call.has_value());
    EXPECT_TRUE(m.call->video);
    EXPECT_EQ(m.call->durationS, 151);
    EXPECT_EQ(m.call->outcome, "completed");
}

TEST(ProtocolDecode, ReadTypingStatusPong) {
    const auto rd = as<frame::Read>(decodeServerFrame(R"({"type":"read","data":{"by":"agent","seq":12}})"));
    EXPECT_EQ(rd.by, "agent");
    EXPECT_EQ(rd.seq, 12);
    EXPECT_TRUE(as<frame::Typing>(decodeServerFrame(R"({"type":"typing","data":{"on":true}})")).on);
    EXPECT_FALSE(as<frame::Typing>(decodeServerFrame(R"({"type":"typing","data":{"on":false}})")).on);
    EXPECT_TRUE(as<frame::Status>(decodeServerFrame(R"({"type":"status","data":{"online":true}})")).online);
    EXPECT_TRUE(std::holds_alternative<frame::Pong>(decodeServerFrame(R"({"type":"pong","data":{}})")));
    EXPECT_TRUE(std::holds_alternative<frame::Pong>(decodeServerFrame(R"({"type":"pong"})")));
}

TEST(ProtocolDecode, CallFrames) {
    EXPECT_EQ(as<frame::Accept>(decodeServerFrame(R"({"type":"accept","data":"agent-peer-1"})")).peerId,
              "agent-peer-1");
    EXPECT_EQ(as<frame::Reject>(decodeServerFrame(R"({"type":"reject","data":{"reason":"busy"}})")).reason, "busy");
    EXPECT_EQ(as<frame::Hangup>(decodeServerFrame(R"({"type":"hangup","data":{"reason":"agent"}})")).reason, "agent");
    EXPECT_EQ(as<frame::Hangup>(decodeServerFrame(R"({"type":"hangup","data":{}})")).reason, "");
    EXPECT_EQ(as<frame::Status>(decodeServerFrame(R"({"type":"status","data":{"online":true,"peer":"p1"}})")).peer,
              "p1");
    EXPECT_EQ(as<frame::Status>(decodeServerFrame(R"({"type":"status","data":{"online":true,"peer":null}})")).peer, "");
    EXPECT_TRUE(std::holds_alternative<frame::Malformed>(
        decodeServerFrame(R"({"type":"status","data":{"online":true,"peer":5}})")));
    EXPECT_EQ(
        as<frame::Hello>(
            decodeServerFrame(
                R"({"type":"hello","data":{"visitorId":"v","kefu":{"id":"k","name":"n","online":true,"peer":"p2"}}})"))
            .kefuPeer,
        "p2");
    EXPECT_FALSE(as<frame::SwitchReply>(decodeServerFrame(R"({"type":"switch","data":{"accepted":false}})")).accepted);
    EXPECT_TRUE(as<frame::SwitchReply>(decodeServerFrame(R"({"type":"switch","data":{"accepted":true}})")).accepted);
    EXPECT_TRUE(std::holds_alternative<frame::Malformed>(decodeServerFrame(R"({"type":"switch","data":{}})")));
}

TEST(ProtocolDecode, Error) {
    const auto e = as<frame::Error>(
        decodeServerFrame(R"({"type":"error","data":{"code":"too_long","message":"text is too long","id":"m_9"}})"));
    EXPECT_EQ(e.code, "too_long");
    EXPECT_EQ(e.message, "text is too long");
    EXPECT_EQ(e.id, "m_9");
    EXPECT_EQ(as<frame::Error>(decodeServerFrame(R"({"type":"error","data":{"code":"bad_request"}})")).id, "");
}

TEST(ProtocolDecode, UnknownTypeIsReportedNotFatal) {
    EXPECT_EQ(as<frame::Unknown>(decodeServerFrame(R"({"type":"confetti","data":{}})")).type, "confetti");
}

// ---- malformed input never throws and never pretends to be a frame ----

TEST(ProtocolDecode, NotJson) {
    EXPECT_TRUE(isMalformed(""));
    EXPECT_TRUE(isMalformed("hello"));
    EXPECT_TRUE(isMalformed("{\"type\":"));
    EXPECT_TRUE(isMalformed("{\"type\":\"ack\"} trailing"));
}

TEST(ProtocolDecode, NotAnObject) {
    EXPECT_TRUE(isMalformed("[]"));
    EXPECT_TRUE(isMalformed(R"([{"type":"pong"}])"));
    EXPECT_TRUE(isMalformed("42"));
    EXPECT_TRUE(isMalformed("null"));
    EXPECT_TRUE(isMalformed("\"pong\""));
}

TEST(ProtocolDecode, MissingOrNonStringType) {
    EXPECT_TRUE(isMalformed("{}"));
    EXPECT_TRUE(isMalformed(R"({"data":{}})"));
    EXPECT_TRUE(isMalformed(R"({"type":7,"data":{}})"));
    EXPECT_TRUE(isMalformed(R"({"type":null})"));
}

TEST(ProtocolDecode, WrongDataTypes) {
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":{"id":5,"seq":1}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":{"id":"m","seq":"1"}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":{"id":"m"}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":["m",1]})"));
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":{"id":"m","seq":1.5}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":{"id":"m","seq":-1}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"typing","data":{"on":"yes"}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"typing","data":{}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"status","data":{"online":1}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"hello","data":"v_1"})"));
    EXPECT_TRUE(isMalformed(R"({"type":"hello","data":{"lastSeq":"3"}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"hello","data":{"kefu":"小美"}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"message","data":{"id":"a","seq":1,"from":"robot","text":"x"}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"message","data":{"id":"a","seq":1,"from":"agent","text":7}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"message","data":{"seq":1,"from":"agent","text":"x"}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"message","data":{"id":"a","seq":1,"from":"system","call":true}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"message","data":{"id":"a","seq":1,"from":"system","call":{"video":"no"}}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"error","data":{"message":"no code"}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"reject","data":{"reason":5}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"read","data":{"by":"agent"}})"));
}

TEST(ProtocolDecode, AcceptNeedsAStringPeerId) {
    EXPECT_TRUE(isMalformed(R"({"type":"accept","data":{"peerId":"p"}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"accept","data":42})"));
    EXPECT_TRUE(isMalformed(R"({"type":"accept","data":""})"));
    EXPECT_TRUE(isMalformed(R"({"type":"accept"})"));
}

TEST(ProtocolDecode, HugeNumbersAreRefused) {
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":{"id":"m","seq":99999999999999999999999}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":{"id":"m","seq":18446744073709551615}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":{"id":"m","seq":1e400}})"));
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":{"id":"m","seq":1,"time":1e300}})"));
    // Still exact as a double: accepted.
    EXPECT_EQ(as<frame::Ack>(decodeServerFrame(R"({"type":"ack","data":{"id":"m","seq":9007199254740992}})")).seq,
              9007199254740992);
    // A huge call duration is clamped, not wrapped.
    const auto m =
        as<frame::MessageFrame>(
            decodeServerFrame(
                R"({"type":"message","data":{"id":"c","seq":1,"from":"system","kind":"call","call":{"duration":99999999999}}})"))
            .message;
    EXPECT_GT(m.call->durationS, 0);
}

TEST(ProtocolDecode, InvalidUtf8IsMalformed) {
    EXPECT_TRUE(isMalformed(
        "{\"type\":\"message\",\"data\":{\"id\":\"a\",\"seq\":1,\"from\":\"agent\",\"text\":\"\xFF\xFE\"}}"));
    EXPECT_TRUE(isMalformed(R"({"type":"message","data":{"id":"a","seq":1,"from":"agent","text":"\ud800"}})"));
    EXPECT_TRUE(isMalformed("{\"type\":\"\xC0\xAF\"}"));
}

TEST(ProtocolDecode, DeepNestingDoesNotCrash) {
    std::string deep = R"({"type":"pong","data":)";
    deep += std::string(20000, '[') + std::string(20000, ']') + "}";
    EXPECT_TRUE(isMalformed(deep)); // refused while parsing: see deep_json_test.cpp
    EXPECT_TRUE(isMalformed(std::string(100000, '[')));
}

TEST(ProtocolDecode, NullDataCountsAsMissing) {
    EXPECT_TRUE(isMalformed(R"({"type":"ack","data":null})"));
    EXPECT_TRUE(std::holds_alternative<frame::Hello>(decodeServerFrame(R"({"type":"hello","data":null})")));
}

// ---- encoding visitor → server frames ----

TEST(ProtocolEncode, Frames) {
    EXPECT_EQ(json::parse(encodeAuth("tok")), json::parse(R"({"type":"auth","data":{"token":"tok"}})"));
    EXPECT_EQ(json::parse(encodeMessage("m_1", "你好 \"quoted\"")),
              json::parse(R"({"type":"message","data":{"id":"m_1","text":"你好 \"quoted\""}})"));
    EXPECT_EQ(json::parse(encodeTyping(true)), json::parse(R"({"type":"typing","data":{"on":true}})"));
    EXPECT_EQ(json::parse(encodeTyping(false)), json::parse(R"({"type":"typing","data":{"on":false}})"));
    EXPECT_EQ(json::parse(encodeRead(42)), json::parse(R"({"type":"read","data":{"seq":42}})"));
    EXPECT_EQ(json::parse(encodePing()), json::parse(R"({"type":"ping","data":{}})"));
}

TEST(ProtocolEncode, InvalidUtf8NeverBreaksEncoding) {
    const std::string f = encodeMessage("m_1", "bad\xFF");
    const json j = json::parse(f);
    EXPECT_EQ(j["data"]["text"], "bad\xEF\xBF\xBD");
}

// ---- HTTP bodies ----

TEST(ProtocolHttp, Config) {
    const auto r = parseServerConfig(
        R"({"kefu":{"id":"kefu1","name":"小美","online":true},"welcome":{"zh-CN":"您好","en":"Hi"},
            "peer":{"host":"127.0.0.1","port":8080,"path":"/peerjs","key":"peerjs","secure":false},
            "iceServers":[{"urls":"stun:stun.example.com"},{"urls":["turn:a","turn:b"],"username":"u","credential":"c"}],
            "limits":{"maxMessageChars":1500}})");
    ASSERT_TRUE(r.ok) << r.error;
    const ServerConfig& c = r.value;
    EXPECT_EQ(c.kefuId, "kefu1");
    EXPECT_EQ(c.kefuName, "小美");
    EXPECT_EQ(c.welcome.at("zh-CN"), "您好");
    EXPECT_EQ(c.welcome.at("en"), "Hi");
    EXPECT_EQ(c.peer.host, "127.0.0.1");
    EXPECT_EQ(c.peer.port, 8080);
    EXPECT_EQ(c.peer.path, "/peerjs");
    EXPECT_EQ(c.peer.key, "peerjs");
    EXPECT_FALSE(c.peer.secure);
    ASSERT_EQ(c.iceServers.size(), 2u);
    EXPECT_EQ(c.iceServers[0].urls, std::vector<std::string>{"stun:stun.example.com"});
    EXPECT_EQ(c.iceServers[1].urls, (std::vector<std::string>{"turn:a", "turn:b"}));
    EXPECT_EQ(c.iceServers[1].username, "u");
    EXPECT_EQ(c.iceServers[1].credential, "c");
    EXPECT_EQ(json::parse(c.iceServersJson).size(), 2u);
    EXPECT_EQ(c.maxMessageChars, 1500);
}

TEST(ProtocolHttp, ConfigToleratesMissingAndOddFields) {
    const auto r = parseServerConfig(R"({"peer":{"port":"8080"},"iceServers":"nope","limits":{"maxMessageChars":-1}})");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.value.peer.port, 443);
    EXPECT_TRUE(r.value.iceServers.empty());
    EXPECT_EQ(r.value.iceServersJson, "[]");
    EXPECT_EQ(r.value.maxMessageChars, 2000);
    EXPECT_FALSE(parseServerConfig("<html>").ok);
    EXPECT_FALSE(parseServerConfig("[]").ok);
}

TEST(ProtocolHttp, VisitorCreation) {
    const auto r = parseVisitorCreated(R"({"visitorId":"v_1","token":"secret"})");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.value.visitorId, "v_1");
    EXPECT_EQ(r.value.token, "secret");
    EXPECT_FALSE(parseVisitorCreated(R"({"visitorId":"v_1"})").ok);
    EXPECT_FALSE(parseVisitorCreated(R"({"token":""})").ok);
    EXPECT_FALSE(parseVisitorCreated("oops").ok);
    EXPECT_EQ(json::parse(encodeCreateVisitor("zh-CN", "张三")), json::parse(R"({"lang":"zh-CN","name":"张三"})"));
    EXPECT_EQ(json::parse(encodeCreateVisitor("", "")), json::object());
    EXPECT_EQ(json::parse(encodeCreateVisitor("en", "", "after")), json::parse(R"({"lang":"en","kefu":"after"})"));
}

TEST(ProtocolHttp, HistoryPageSkipsBadEntries) {
    const auto r = parseHistoryPage(
        R"({"messages":[{"id":"a","seq":1,"from":"agent","text":"hi","time":1},{"id":"b","seq":"x"},{"id":"c","seq":3,"from":"visitor","text":"yo","time":3}],"hasMore":true})");
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(r.value.messages.size(), 2u);
    EXPECT_EQ(r.value.messages[0].id, "a");
    EXPECT_EQ(r.value.messages[1].from, Sender::Visitor);
    EXPECT_TRUE(r.value.hasMore);
    EXPECT_EQ(r.value.skipped, 1);
    EXPECT_FALSE(parseHistoryPage(R"({"hasMore":false})").ok);
    EXPECT_FALSE(parseHistoryPage(R"({"messages":{},"hasMore":false})").ok);
    EXPECT_FALSE(parseHistoryPage(R"({"messages":[],"hasMore":"no"})").ok);
    EXPECT_TRUE(parseHistoryPage(R"({"messages":[]})").ok);
}

TEST(ProtocolHttp, SingleMessage) {
    EXPECT_TRUE(parseMessage(R"({"id":"a","seq":1,"from":"agent","text":"hi"})").ok);
    EXPECT_FALSE(parseMessage(R"({"id":"a","seq":0,"from":"agent","text":"hi"})").ok);
}

TEST(ProtocolHttp, UserPatchKeepsKnownFields) {
    const auto r = encodeUserPatch(
        R"({"name":"张三","email":"z@example.com","phone":13800000000,"attrs":{"plan":"pro"},"role":"admin"})");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(json::parse(r.value),
              json::parse(R"({"name":"张三","email":"z@example.com","phone":"13800000000","attrs":{"plan":"pro"}})"));
    EXPECT_FALSE(encodeUserPatch("[]").ok);
    EXPECT_FALSE(encodeUserPatch("not json").ok);
    EXPECT_FALSE(encodeUserPatch(R"({"name":{"first":"z"}})").ok);
    EXPECT_FALSE(encodeUserPatch(R"({"attrs":[1]})").ok);
    EXPECT_EQ(userName(R"({"name":"张三"})"), "张三");
    EXPECT_EQ(userName("garbage"), "");
}

TEST(ProtocolHttp, ErrorBodies) {
    auto e = parseApiError(400, R"({"error":{"code":"too_long","message":"text is longer than 2000 characters"}})");
    EXPECT_EQ(e.code, "too_long");
    EXPECT_EQ(e.message, "text is longer than 2000 characters");
    EXPECT_EQ(parseApiError(401, "").code, "unauthorized");
    EXPECT_EQ(parseApiError(429, "<html>").code, "rate_limited");
    EXPECT_EQ(parseApiError(502, "Bad gateway").code, "internal");
    EXPECT_EQ(parseApiError(0, "").code, "network");
    EXPECT_EQ(parseApiError(503, R"({"error":{"code":"offline"}})").code, "offline");
}
