// The visitor side of docs/PROTOCOL.md: WebSocket frames and HTTP bodies. Decoding never throws; anything
// that does not match the contract comes back as frame::Malformed (or a failed Parsed) with a reason.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/message.hpp"

namespace kefu {

// Server → visitor frames.
namespace frame {
struct Hello {
    std::string visitorId;
    std::string kefuId;
    std::string kefuName;
    bool kefuOnline = false;
    std::string kefuUnavailable; // why not online: "hours", "nobody" (or anything newer), empty when online
    std::string kefuPeer; // the agent console's standing PeerJS id, when exactly one listens
    std::int64_t lastSeq = 0;
    std::int64_t visitorReadSeq = 0; // the visitor's read mark (any tab)
    std::int64_t agentReadSeq = 0;   // what the agent has read of the conversation
};
struct Ack {
    std::string id;
    std::int64_t seq = 0;
    std::int64_t timeMs = 0; // 0 when the server left it out
};
struct MessageFrame {
    Message message;
};
// A read mark moved: `by` "visitor" (another tab of this visitor) or "agent" (read receipt).
struct Read {
    std::string by;
    std::int64_t seq = 0;
};
struct Typing {
    bool on = false;
};
struct Status {
    bool online = false;
    std::string unavailable; // as Hello::kefuUnavailable
    std::string peer; // as Hello::kefuPeer; empty when none or several
};
struct Accept {
    std::string peerId; // the agent's PeerJS id; `data` is a bare string on the wire
};
struct Reject {
    std::string reason; // "rejected" | "busy" | "offline" | …
};
struct Hangup {
    std::string reason; // "agent" | "timeout" | …
};
struct SwitchReply {
    bool accepted = false; // false: the agent declined a voice -> video switch; the call goes on
};
struct Ring {
    std::string callId; // an agent's call-back rings (`ring`) or stops ringing (`ring_end`)
    bool video = false;
    bool end = false;
};
struct Error {
    std::string code;
    std::string message;
    std::string id; // the client message id it refers to, if any
};
struct Pong {};
struct Unknown {
    std::string type;
};
struct Malformed {
    std::string reason;
};
} // namespace frame

using DecodeResult = std::variant<frame::Hello, frame::Ack, frame::MessageFrame, frame::Read, frame::Typing,
                                  frame::Status, frame::Accept, frame::Reject, frame::Hangup, frame::SwitchReply,
                                  frame::Ring, frame::Error, frame::Pong, frame::Unknown, frame::Malformed>;

DecodeResult decodeServerFrame(std::string_view text);

// Visitor → server frames. Text is sanitised to valid UTF-8 so encoding can never fail.
std::string encodeAuth(std::string_view token);
std::string encodeMessage(std::string_view id, std::string_view text);
std::string encodeTyping(bool on);
std::string encodeRead(std::int64_t seq);
std::string encodePing();

// ---- HTTP bodies ----

template <class T> struct Parsed {
    bool ok = false;
    T value{};
    std::string error; // why parsing failed
};

struct PeerServer {
    std::string host;
    int port = 443;
    std::string path = "/";
    std::string key = "peerjs";
    bool secure = true;
    std::string auth; // "kefu": the backend's own server, registering with POST /api/peer-credentials
};

struct IceServer {
    std::vector<std::string> urls;
    std::string username;
    std::string credential;
};

// GET /api/config
struct ServerConfig {
    std::string kefuId;
    std::string kefuName;
    std::map<std::string, std::string> welcome; // locale tag → text
    PeerServer peer;
    std::string iceServersJson = "[]"; // as received, for RTCPeerConnection
    std::vector<IceServer> iceServers;
    int maxMessageChars = 2000;
    // The server's rate for the visitor's messages (limits.messagesPerWindow per limits.rateWindowMs); the
    // outbox paces its writes to it. Until the config arrives, the reference server's defaults.
    int messagesPerWindow = 20;
    int rateWindowMs = 10000;
    bool turnCredentials = false; // POST /api/ice-servers has TURN credentials for this visitor
};
Parsed<ServerConfig> parseServerConfig(std::string_view body);

// POST /api/visitors
struct VisitorCreated {
    std::string visitorId;
    std::string token;
};
Parsed<VisitorCreated> parseVisitorCreated(std::string_view body);
// `kefu`: the widget's `kefu` setting (an agent or group the conversation is routed to), empty for none.
std::string encodeCreateVisitor(std::string_view lang, std::string_view name, std::string_view kefu = {});

// GET /api/messages
struct HistoryPage {
    std::vector<Message> messages; // oldest first
    bool hasMore = false;
    int skipped = 0; // entries that did not parse as a Message
};
Parsed<HistoryPage> parseHistoryPage(std::string_view body);

// Parses one Message object (as in `message` frames and history pages) from JSON text.
Parsed<Message> parseMessage(std::string_view json);

// PATCH /api/visitors/me: keeps name/email/phone (strings) and attrs (object) from a user-supplied JSON
// object; fails when `userJson` is not a JSON object.
Parsed<std::string> encodeUserPatch(std::string_view userJson);
// The "name" of a user JSON object, or "" (used when creating the visitor).
std::string userName(std::string_view userJson);

// {"error":{"code","message"}}; when the body says nothing useful the code is derived from the status
// ("network" for status 0).
struct ApiError {
    std::string code;
    std::string message;
};
ApiError parseApiError(int status, std::string_view body);

} // namespace kefu
