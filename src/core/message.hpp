// One chat message as the visitor sees it, whether it came from the server or is still on its way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kefu {

enum class Sender { Visitor, Agent, System };

// Only meaningful for the visitor's own messages: Pending until the server acknowledged it (Sent), or
// Failed when the server refused it or it could not be delivered in time.
enum class Delivery { Pending, Sent, Failed };

// A call record ("kind":"call" system messages).
struct CallInfo {
    bool video = false;
    int durationS = 0;
    std::string outcome; // "completed" | "missed" | "rejected" | "failed" | "cancelled"
};

struct Message {
    std::string id;       // the sender's id; unique per conversation
    std::int64_t seq = 0; // server order; 0 while not yet acknowledged
    Sender from = Sender::Visitor;
    std::string text;
    std::int64_t timeMs = 0; // server time once acknowledged, local send time before
    std::string agentName;
    std::string kind = "text"; // "text" | "call" (unknown kinds are shown as text)
    std::optional<CallInfo> call;
    Delivery delivery = Delivery::Sent;
    std::string errorCode; // protocol error code when delivery == Failed ("too_long", "rate_limited", "timeout"…)
    std::string error;     // the server's human-readable reason, if any
};

inline const char* toString(Sender s) {
    switch (s) {
    case Sender::Visitor: return "visitor";
    case Sender::Agent: return "agent";
    case Sender::System: return "system";
    }
    return "system";
}

} // namespace kefu
