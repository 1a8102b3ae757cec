// The visitor's chat client: identity, the visitor socket, history, delivery and presence. Everything runs on
// the host's single thread through Scheduler, SocketFactory and HttpFn (see platform.hpp). State callbacks
// (onConnection, onChange, onUnread) may fire from inside the public methods; a send's outcome never does.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/backoff.hpp"
#include "core/chat_store.hpp"
#include "core/i18n.hpp"
#include "core/outbox.hpp"
#include "core/platform.hpp"
#include "core/protocol.hpp"
#include "core/send_pacer.hpp"

namespace kefu {

// Idle: not started (or stopped). Connecting: first attempt. Online: authenticated (hello received).
// Reconnecting: lost or failed, retrying with backoff. Offline: gave up (the server refused the visitor).
enum class ConnectionState { Idle, Connecting, Online, Reconnecting, Offline };
const char* toString(ConnectionState state);

// The call frames the chat socket carries for the call module.
using CallFrame = std::variant<frame::Accept, frame::Reject, frame::Hangup, frame::SwitchReply, frame::Ring>;

struct SessionConfig {
    std::string serverUrl;    // absolute http(s) base URL, e.g. "https://chat.example.com" (no trailing "/")
    std::string token;        // visitor token saved earlier; empty on first contact
    std::string visitorId;    // saved with the token
    std::string locale;       // BCP 47 tag sent when the visitor is created ("zh-CN", "en-US")
    std::string userJson;     // optional profile {"name","email","phone","attrs":{}}
    std::string kefu;         // the agent or group (data-kefu) sent when the visitor is created
    std::int64_t readSeq = 0; // read mark saved earlier (see onReadMark)

    int historyPageSize = 50;
    int pingIntervalMs = 25000;      // app-level ping while online
    int pongTimeoutMs = 10000;       // no frame at all for this long after a ping: the socket is dead
    int probeTimeoutMs = 3000;       // the same after probe(): the network is suspect already
    int helloTimeoutMs = 15000;      // from opening the socket to hello
    int typingRepeatMs = 3000;       // "typing on" at most this often
    int typingIdleMs = 5000;         // "typing off" after this long without a keystroke
    int agentTypingTimeoutMs = 8000; // the agent's indicator goes away on its own after this
    int sendTimeoutMs = 60000;       // written on a live socket and not acknowledged this long: "timeout"
                                     // (waiting offline or for the rate never counts)
    int catchUpMaxPages = 10;        // history pages fetched to fill a gap after a reconnect
};

struct SendResult {
    bool ok = false;
    std::string id;        // client message id when ok
    std::string errorCode; // "bad_request" (empty) | "too_long" when refused before sending
};

// Builds "ws(s)://host/base/ws/visitor" from an http(s) base URL.
std::string visitorSocketUrl(std::string_view serverUrl);

class ChatSession {
  public:
    ChatSession(SessionConfig config, SocketFactory sockets, HttpFn http, Scheduler& scheduler, RandomFn random);
    ~ChatSession();
    ChatSession(const ChatSession&) = delete;
    ChatSession& operator=(const ChatSession&) = delete;

    // Fetches the public config, creates the visitor if there is no token, connects. Also restarts after
    // stop() or Offline.
    void start();
    // Closes everything; unacknowledged messages stay queued for the next start().
    void stop();
    // Skips the backoff wait (e.g. the browser reported it is online again).
    void reconnectNow();
    // The network may have moved (a call's path was just lost): a socket bound to an address that is gone
    // stays silent rather than closing. A ping now, and without any frame within probeTimeoutMs the socket
    // is given up and a new one made, before the server's own keep-alive drops it and ends the visitor's call.
    void probe();

    // Validates, queues and (when online) sends, paced to the server's rate. On ok, the outcome arrives later
    // via onAck or onSendFailed, never from inside this call; while offline it simply waits.
    SendResult send(std::string_view text);
    // Sends a failed message again (same id, so the server still stores it once).
    bool retry(const std::string& id);
    // Puts back a message typed on an earlier page that never got its acknowledgement (the page was left
    // while offline). Same id: if the server did store it, it acknowledges it again instead of storing twice.
    bool restorePending(const std::string& id, std::string_view text, std::int64_t timeMs);
    // Puts back a message an earlier page saved as failed: shown failed with its reason, not sent until the
    // visitor retries it.
    bool restoreFailed(const std::string& id, std::string_view text, std::int64_t timeMs, const std::string& code,
                       const std::string& message);
    // Drops a failed message.
    bool discard(const std::string& id);

    // Call on every keystroke with true, and with false when the composer is cleared or loses focus.
    void setTyping(bool typing);
    // Loads the page before the oldest message. False if nothing to load or a load is running.
    bool loadOlder();
    // Everything shown is read: resets the unread count and tells the server.
    void markRead();
    // Updates the visitor's profile (PATCH /api/visitors/me). False if `userJson` is not a JSON object.
    bool setUser(std::string_view userJson);

    ConnectionState state() const { return state_; }
    bool agentTyping() const { return agentTyping_; }
    bool agentOnline() const { return agentOnline_; }
    // Not online because the group is outside its business hours (hello/status `unavailable` "hours").
    bool outsideHours() const { return outsideHours_; }
    std::string kefuName() const;
    // The configured welcome text for `locale`, or the built-in one.
    std::string welcome(Locale locale) const;
    const ChatStore& store() const { return store_; }
    const Outbox& outbox() const { return outbox_; }
    int unread() const { return store_.unread(); }
    // The agent has read the visitor's messages up to this seq (read receipts).
    std::int64_t agentReadSeq() const { return agentReadSeq_; }
    bool loadingOlder() const { return loadingOlder_ || historyInFlight_; }
    const std::string& token() const { return token_; }
    const std::string& visitorId() const { return visitorId_; }
    const std::string& serverUrl() const { return base_; }
    bool hasServerConfig() const { return configLoaded_; }
    const ServerConfig& serverConfig() const { return serverConfig_; }
    std::size_t maxMessageChars() const;
    // Increments whenever anything visible changed (store, state, presence, typing…).
    std::uint64_t revision() const { return revision_; }

    // A new visitor identity: persist it (localStorage) so the next page load reuses it.
    void onToken(std::function<void(const std::string& visitorId, const std::string& token)> cb);
    // A new message arrived live (agent, system, or the visitor's own from another tab).
    void onMessage(std::function<void(const Message&)> cb);
    void onAck(std::function<void(const std::string& id, std::int64_t seq)> cb);
    void
    onSendFailed(std::function<void(const std::string& id, const std::string& code, const std::string& message)> cb);
    void onUnread(std::function<void(int)> cb);
    // The read mark moved: persist it so that a reload does not show old messages as unread.
    void onReadMark(std::function<void(std::int64_t seq)> cb);
    void onConnection(std::function<void(ConnectionState)> cb);
    void onChange(std::function<void()> cb);
    void onCallFrame(std::function<void(const CallFrame&)> cb);
    void onConfig(std::function<void(const ServerConfig&)> cb);
    // Something was ignored (malformed or unknown frame, failed request): worth a console warning.
    void onWarning(std::function<void(const std::string&)> cb);
    // The agent console's standing PeerJS id from hello/status (empty: none, or several consoles).
    void onStandingPeer(std::function<void(const std::string&)> cb) { onStandingPeer_ = std::move(cb); }
    const std::string& standingPeer() const { return standingPeer_; }

  private:
    void setStandingPeer(const std::string& peer);
    enum class HistoryKind { Initial, Older, CatchUp };

    void connect();
    void createVisitor();
    void openSocket();
    void socketOpened(std::uint64_t conn);
    void socketText(std::uint64_t conn, const std::string& text);
    void socketClosed(std::uint64_t conn, int code);
    void dropSocket(bool close);
    void retire(std::unique_ptr<Socket> s);
    void connectionLost(int code);
    void scheduleReconnect();
    void tokenRejected();
    void giveUp(const std::string& why);

    void handleHello(const frame::Hello& h);
    void handleAck(const frame::Ack& a);
    void handleRead(const frame::Read& r);
    void handleError(const frame::Error& e);
    // Merges a server message; `live` messages are announced through onMessage.
    void absorb(const Message& m, bool live);

    void fetchConfig();
    void fetchHistory(HistoryKind kind, std::int64_t before, std::int64_t catchUpFrom, int round);
    void sendUserPatch();
    // `authorized` adds the visitor token; `identityBound` replies are dropped once the identity changed.
    void request(const char* method, const std::string& path, std::string body, bool authorized, bool identityBound,
                 std::function<void(const HttpResponse&)> done);
    bool handleUnauthorized(const HttpResponse& r);

    bool sendFrame(const std::string& text);
    void flushOutbox();
    void armSendExpiry();
    void applyRateLimits();
    void failMessage(const std::string& id, const std::string& code, const std::string& message);
    void stopTyping();
    void setAgentTyping(bool on);
    void armPing();
    void ping(int timeoutMs);
    void sendReadIfNeeded();

    TimerId arm(int delayMs, std::function<void()> fn);
    void disarm(TimerId& id);
    void disarmAll();
    void setState(ConnectionState s);
    void warn(const std::string& text);
    void publish();

    SessionConfig config_;
    SocketFactory sockets_;
    HttpFn http_;
    Scheduler& scheduler_;
    RandomFn random_;
    std::string base_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

    ChatStore store_;
    Outbox outbox_;
    SendPacer pacer_;
    Backoff backoff_;

    ConnectionState state_ = ConnectionState::Idle;
    std::string token_;
    std::string visitorId_;
    std::string helloKefuName_;
    std::string userJson_;
    std::string pendingUserPatch_;
    ServerConfig serverConfig_;

    std::unique_ptr<Socket> socket_;
    std::vector<std::unique_ptr<Socket>> retired_; // closed sockets, destroyed outside their own callbacks
    std::uint64_t conn_ = 0;                       // changes with every socket: stale callbacks are ignored
    std::uint64_t epoch_ = 0;                      // changes with identity or stop(): stale replies are ignored
    bool inFactory_ = false;
    bool earlyOpen_ = false;
    int earlyCloseCode_ = 0;

    bool online_ = false;
    bool creating_ = false;
    bool recreatedVisitor_ = false;
    bool configLoaded_ = false;
    bool configInFlight_ = false;
    bool historyInFlight_ = false;
    bool loadingOlder_ = false;
    bool patchInFlight_ = false;
    bool agentTyping_ = false;
    bool agentOnline_ = false;
    bool outsideHours_ = false;
    std::string standingPeer_;
    std::function<void(const std::string&)> onStandingPeer_;
    bool typingOn_ = false;
    std::int64_t lastTypingOnMs_ = 0;
    std::int64_t lastReadSent_ = 0;
    std::int64_t lastReadReported_ = 0;
    std::int64_t agentReadSeq_ = 0;

    TimerId reconnectTimer_ = 0;
    TimerId helloTimer_ = 0;
    TimerId pingTimer_ = 0;
    TimerId deadTimer_ = 0;
    std::int64_t deadDueMs_ = 0; // when deadTimer_ fires
    TimerId typingIdleTimer_ = 0;
    TimerId agentTypingTimer_ = 0;
    TimerId expiryTimer_ = 0;
    TimerId paceTimer_ = 0;
    TimerId retireTimer_ = 0;

    bool dirty_ = false;
    std::uint64_t seenStoreRev_ = 0;
    std::uint64_t revision_ = 0;
    int lastUnread_ = 0;

    std::function<void(const std::string&, const std::string&)> onToken_;
    std::function<void(const Message&)> onMessage_;
    std::function<void(const std::string&, std::int64_t)> onAck_;
    std::function<void(const std::string&, const std::string&, const std::string&)> onSendFailed_;
    std::function<void(int)> onUnread_;
    std::function<void(std::int64_t)> onReadMark_;
    std::function<void(ConnectionState)> onConnection_;
    std::function<void()> onChange_;
    std::function<void(const CallFrame&)> onCallFrame_;
    std::function<void(const ServerConfig&)> onConfig_;
    std::function<void(const std::string&)> onWarning_;
};

} // namespace kefu
