// A ChatSession wired to the chat fakes (manual clock, scripted sockets and HTTP), with the frames the
// chat_session_*_test.cpp files share: the config, hello, messages and acknowledgements, history pages.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/chat_session.hpp"
#include "fakes.hpp"

namespace kefu::sessiontest {

using namespace kefu::test;
using json = nlohmann::json;

constexpr const char* kConfigBody =
    R"({"kefu":{"id":"kefu1","name":"小美"},"welcome":{"zh-CN":"您好,有什么可以帮您?","en":"Hi there"},
        "peer":{"host":"chat.example.com","port":443,"path":"/peerjs","key":"peerjs","secure":true},
        "iceServers":[{"urls":"stun:stun.example.com"}],"limits":{"maxMessageChars":2000}})";

inline std::string hello(std::int64_t lastSeq = 0, bool online = true, std::int64_t visitorReadSeq = 0) {
    return json{{"type", "hello"},
                {"data",
                 {{"visitorId", "v_1"},
                  {"kefu", {{"id", "kefu1"}, {"name", "小美"}, {"online", online}}},
                  {"lastSeq", lastSeq},
                  {"visitorReadSeq", visitorReadSeq},
                  {"agentReadSeq", 0}}}}
        .dump();
}

inline json messageJson(const std::string& id, std::int64_t seq, const std::string& from, const std::string& text) {
    json m = {{"id", id}, {"seq", seq}, {"from", from}, {"text", text}, {"time", 1700000000000 + seq}};
    if (from == "agent") m["agent"] = "小美";
    return m;
}

inline std::string messageFrame(const std::string& id, std::int64_t seq, const std::string& from = "agent",
                                const std::string& text = "hi") {
    return json{{"type", "message"}, {"data", messageJson(id, seq, from, text)}}.dump();
}

inline std::string ack(const std::string& id, std::int64_t seq) {
    return json{{"type", "ack"}, {"data", {{"id", id}, {"seq", seq}, {"time", 1700000000000 + seq}}}}.dump();
}

inline std::string pageBody(std::vector<json> messages, bool hasMore) {
    return json{{"messages", messages}, {"hasMore", hasMore}}.dump();
}

inline std::vector<json> framesOf(const FakeConnection& c, const std::string& type = "") {
    std::vector<json> out;
    for (const auto& f : c.sent) {
        json j = json::parse(f);
        if (type.empty() || j["type"] == type) out.push_back(j);
    }
    return out;
}

inline std::vector<std::string> messageIdsSent(const FakeConnection& c) {
    std::vector<std::string> ids;
    for (const auto& f : framesOf(c, "message")) ids.push_back(f["data"]["id"]);
    return ids;
}

struct Harness {
    FakeScheduler clock;
    FakeSocketHub sockets;
    FakeHttp http;
    std::unique_ptr<ChatSession> session;

    std::vector<ConnectionState> states;
    std::vector<std::pair<std::string, std::string>> tokens;
    std::vector<Message> incoming;
    std::vector<std::pair<std::string, std::int64_t>> acks;
    std::vector<std::pair<std::string, std::string>> failures; // id, code
    std::vector<int> unreads;
    std::vector<std::int64_t> readMarks;
    std::vector<CallFrame> callFrames;
    std::vector<std::string> warnings;
    int changes = 0;

    static SessionConfig defaults() {
        SessionConfig c;
        c.serverUrl = "https://chat.example.com/";
        c.locale = "zh-CN";
        return c;
    }

    explicit Harness(SessionConfig config = defaults()) {
        session = std::make_unique<ChatSession>(config, sockets.factory(), http.fn(), clock, sequenceRandom());
        ChatSession& s = *session;
        s.onConnection([this](ConnectionState st) { states.push_back(st); });
        s.onToken([this](const std::string& id, const std::string& t) { tokens.emplace_back(id, t); });
        s.onMessage([this](const Message& m) { incoming.push_back(m); });
        s.onAck([this](const std::string& id, std::int64_t seq) { acks.emplace_back(id, seq); });
        s.onSendFailed([this](const std::string& id, const std::string& code, const std::string&) {
            failures.emplace_back(id, code);
        });
        s.onUnread([this](int n) { unreads.push_back(n); });
        s.onReadMark([this](std::int64_t seq) { readMarks.push_back(seq); });
        s.onCallFrame([this](const CallFrame& f) { callFrames.push_back(f); });
        s.onWarning([this](const std::string& w) { warnings.push_back(w); });
        s.onChange([this] { ++changes; });
    }

    static SessionConfig withToken(std::string token = "tok0") {
        SessionConfig c = defaults();
        c.token = std::move(token);
        c.visitorId = "v_0";
        return c;
    }

    // Start with a stored token and get online; lastSeq 0 means a new conversation (no history fetch).
    FakeConnection& online(std::int64_t lastSeq = 0) {
        session->start();
        FakeConnection& c = sockets.last();
        c.accept();
        c.receive(hello(lastSeq));
        return c;
    }

    ChatSession& s() { return *session; }
};

} // namespace kefu::sessiontest
