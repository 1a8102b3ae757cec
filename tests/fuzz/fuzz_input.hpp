// What the state-machine fuzzers share: the input bytes read as a script of steps, and JSON frames built
// from templates with fuzzed values, so that the fuzzer reaches deep states without having to discover
// the protocol's spelling byte by byte. Raw bytes still get through as whole frames and bodies too.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>

namespace kefu::fuzz {

using json = nlohmann::json;

class Script {
  public:
    Script(const std::uint8_t* data, std::size_t size) : in_(data, size) {}

    bool more() { return in_.remaining_bytes() > 0; }
    unsigned pick(unsigned n) { return in_.ConsumeIntegralInRange<unsigned>(0, n - 1); }
    bool flip() { return in_.ConsumeBool(); }
    std::string text(std::size_t max = 64) { return in_.ConsumeRandomLengthString(max); }
    std::int64_t anyInt() {
        switch (pick(4)) {
        case 0: return in_.ConsumeIntegral<std::int64_t>();
        case 1: return std::numeric_limits<std::int64_t>::max() - in_.ConsumeIntegralInRange<int>(0, 3);
        case 2: return 1'700'000'000'000 + in_.ConsumeIntegralInRange<int>(-100000, 100000);
        default: return in_.ConsumeIntegralInRange<int>(-2, 20);
        }
    }
    int delay() { return in_.ConsumeIntegralInRange<int>(0, 70000); }

    // A JSON value of any type, small; sometimes a string or a number where the protocol wants another type.
    json value(int depth = 0) {
        switch (pick(depth > 2 ? 5 : 7)) {
        case 0: return nullptr;
        case 1: return flip();
        case 2: return anyInt();
        case 3: return text(16);
        case 4: return in_.ConsumeFloatingPoint<double>();
        case 5: {
            json a = json::array();
            for (unsigned i = pick(3); i > 0; --i) a.push_back(value(depth + 1));
            return a;
        }
        default: {
            json o = json::object();
            for (unsigned i = pick(3); i > 0; --i) o[text(8)] = value(depth + 1);
            return o;
        }
        }
    }
    // Mostly the expected kind of value, sometimes anything.
    json str(const char* usual) { return pick(6) == 0 ? value() : json(pick(3) == 0 ? text(24) : usual); }
    json num(std::int64_t usual) { return pick(6) == 0 ? value() : json(pick(3) == 0 ? anyInt() : usual); }
    json boolean() { return pick(8) == 0 ? value() : json(flip()); }

    // Serialised, occasionally with the tail cut off or junk appended.
    std::string dump(const json& j) {
        std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
        switch (pick(12)) {
        case 0: return s.substr(0, pick(static_cast<unsigned>(s.size()) + 1));
        case 1: return s + text(8);
        default: return s;
        }
    }

    FuzzedDataProvider& raw() { return in_; }

  private:
    FuzzedDataProvider in_;
};

// A frame of the visitor chat socket (docs/PROTOCOL.md), from server to widget.
inline std::string chatFrame(Script& s, std::int64_t& seq) {
    static const char* const kTypes[] = {"hello",  "ack",    "message", "read",   "typing", "status",
                                         "accept", "reject", "hangup",  "switch", "error",  "pong"};
    if (s.pick(10) == 0) return s.text(200);
    const std::string type = kTypes[s.pick(12)];
    json data = json::object();
    if (type == "hello") {
        data = {{"visitorId", s.str("v_1")},
                {"kefu",
                 {{"id", s.str("kefu1")}, {"name", s.str("小美")}, {"online", s.boolean()}, {"peer", s.str("agent1")}}},
                {"lastSeq", s.num(seq)},
                {"visitorReadSeq", s.num(0)},
                {"agentReadSeq", s.num(0)}};
    } else if (type == "ack") {
        data = {{"id", s.str("m_1")}, {"seq", s.num(++seq)}, {"time", s.num(1'700'000'000'000)}};
    } else if (type == "message") {
        data = {{"id", s.str("a_1")},
                {"seq", s.num(++seq)},
                {"from", s.str(s.flip() ? "agent" : "system")},
                {"text", s.str("你好\u202E")},
                {"time", s.num(1'700'000'000'000)},
                {"agent", s.str("小美")}};
        if (s.flip()) {
            data["kind"] = s.str("call");
            data["call"] = {{"video", s.boolean()}, {"duration", s.num(65)}, {"outcome", s.str("completed")}};
        }
    } else if (type == "read") {
        data = {{"by", s.str(s.flip() ? "agent" : "visitor")}, {"seq", s.num(seq)}};
    } else if (type == "typing") {
        data = {{"on", s.boolean()}};
    } else if (type == "status") {
        data = {{"online", s.boolean()}, {"peer", s.str("agent1")}};
    } else if (type == "accept") {
        return s.dump({{"type", type}, {"data", s.str("agent1")}});
    } else if (type == "reject" || type == "hangup") {
        data = {{"reason", s.str("busy")}};
    } else if (type == "switch") {
        data = {{"accepted", s.boolean()}};
    } else if (type == "error") {
        data = {{"code", s.str("rate_limited")}, {"message", s.str("slow down")}, {"id", s.str("m_1")}};
    }
    return s.dump({{"type", s.pick(16) == 0 ? s.value() : json(type)}, {"data", s.pick(16) == 0 ? s.value() : data}});
}

// A frame of the PeerJS signalling socket, from the PeerJS server to the widget.
inline std::string peerFrame(Script& s, const std::string& connectionId) {
    static const char* const kTypes[] = {"OPEN",   "ERROR",     "ID-TAKEN", "OFFER",
                                         "ANSWER", "CANDIDATE", "LEAVE",    "EXPIRE"};
    if (s.pick(10) == 0) return s.text(200);
    const std::string type = kTypes[s.pick(8)];
    json f = {{"type", type}, {"src", s.str("agent1")}, {"dst", s.str("me")}};
    json payload = {{"type", s.str("media")}, {"connectionId", s.flip() ? json(connectionId) : s.str("mc_x")}};
    if (type == "ERROR" || type == "ID-TAKEN") payload = {{"msg", s.str("ID is taken")}};
    if (type == "OFFER" || type == "ANSWER")
        payload["sdp"] = {{"type", s.str(type == "OFFER" ? "offer" : "answer")}, {"sdp", s.str("v=0\r\n")}};
    if (type == "OFFER" && s.flip()) payload["metadata"] = s.value();
    if (type == "CANDIDATE")
        payload["candidate"] = {{"candidate", s.str("candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host")},
                                {"sdpMid", s.str("0")},
                                {"sdpMLineIndex", s.num(0)}};
    if (s.pick(8) != 0) f["payload"] = payload;
    return s.dump(f);
}

// A response body for a request to `url`, shaped like what the backend sends (or any bytes).
inline std::string httpBody(Script& s, const std::string& url, std::int64_t& seq) {
    if (s.pick(8) == 0) return s.text(200);
    auto message = [&] {
        return json{{"id", s.str("a_1")},
                    {"seq", s.num(++seq)},
                    {"from", s.str("agent")},
                    {"text", s.str("早")},
                    {"time", s.num(1'700'000'000'000)},
                    {"kind", s.str("text")}};
    };
    json body = json::object();
    if (url.find("/api/config") != std::string::npos) {
        body = {{"kefu", {{"id", s.str("kefu1")}, {"name", s.str("小美")}}},
                {"welcome", s.flip() ? json{{"zh-CN", s.str("您好")}, {"en", s.str("Hi")}} : s.str("Hi")},
                {"peer",
                 {{"host", s.str("peer.test")},
                  {"port", s.num(9000)},
                  {"path", s.str("/peerjs")},
                  {"key", s.str("peerjs")},
                  {"secure", s.boolean()}}},
                {"iceServers", json::array({{{"urls", s.str("stun:stun.test")}}, s.value()})},
                {"limits", {{"maxMessageChars", s.num(2000)}}}};
        if (s.flip()) body["turnCredentials"] = s.boolean();
    } else if (url.find("/api/visitors/me") != std::string::npos) {
        body = {{"ok", true}};
    } else if (url.find("/api/visitors") != std::string::npos) {
        body = {{"token", s.str("tok1")}, {"visitorId", s.str("v_1")}};
    } else if (url.find("/api/messages") != std::string::npos) {
        json list = json::array();
        for (unsigned i = s.pick(4); i > 0; --i) list.push_back(s.pick(6) ? message() : s.value());
        body = {{"messages", list}, {"hasMore", s.boolean()}};
    } else if (url.find("/2/callKefu") != std::string::npos) {
        body = {{"ok", s.boolean()}, {"callId", s.str("c_1")}, {"peer", s.str("agent1")}};
    } else if (url.find("/api/ice-servers") != std::string::npos) {
        body = {{"iceServers",
                 json::array(
                     {{{"urls", s.str("turn:turn.test")}, {"username", s.str("1:v")}, {"credential", s.str("x")}}})},
                {"ttl", s.num(600)}};
    }
    if (s.pick(6) == 0) body = {{"error", {{"code", s.str("rate_limited")}, {"message", s.str("slow")}}}};
    return s.dump(body);
}

inline int httpStatus(Script& s) {
    static const int kStatuses[] = {200, 200, 200, 0, 400, 401, 404, 409, 413, 429, 500, 503};
    return s.pick(20) == 0 ? static_cast<int>(s.anyInt() % 1000) : kStatuses[s.pick(12)];
}

inline int closeCode(Script& s) {
    static const int kCodes[] = {1000, 1006, 1011, 4001, 4003, 4008};
    return s.pick(10) == 0 ? static_cast<int>(s.anyInt() % 70000) : kCodes[s.pick(6)];
}

} // namespace kefu::fuzz
