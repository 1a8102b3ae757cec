// The PeerJS signalling socket: registers our id on a stock `peer` server, keeps it alive with heartbeats and
// routes relayed messages to the media connections that own them. One Signaling serves many calls and is
// best opened before the visitor clicks, so a call only waits for getUserMedia and the backend.
#pragma once

#include "../platform.hpp"
#include "alive.hpp"
#include "messages.hpp"
#include "options.hpp"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace kefu::peerjs {

class Signaling {
  public:
    enum class State { Idle, FetchingId, Connecting, Open, Closed, Failed };

    static constexpr int kHeartbeatMs = 5000; // peerjs pingInterval; server alive_timeout is 60–90 s
    static constexpr int kOpenTimeoutMs =
        10000; // fetching the id, or connect + OPEN (a same-token re-attach never sends OPEN)

    using Handler = std::function<void(const ServerMessage&)>;

    Signaling(Options options, Scheduler& scheduler, SocketFactory sockets, HttpFn http = {});
    ~Signaling();
    Signaling(const Signaling&) = delete;
    Signaling& operator=(const Signaling&) = delete;

    // New options apply to the next open().
    void setOptions(Options options) { options_ = std::move(options); }
    const Options& options() const { return options_; }

    // Registers a fresh id with a fresh token. No-op while FetchingId/Connecting/Open.
    // Every open() uses a new id: the server may still hold the previous one for a while. In credentials mode
    // (Options::credentialsUrl) the id and token are fetched first (state FetchingId), and the first open()
    // after a registration was lost reuses them, like stock peerjs' reconnect(): the server keeps them valid
    // for a while and the call bound to that id goes on; a failed reuse makes the next open() fetch anew.
    void open();
    // Sends LEAVE (always with dst) to the peer of every attached connection, then closes. State becomes Closed.
    void close();
    // Drops the socket without a LEAVE (connections with peers live on) and registers again: with the same
    // credentials in credentials mode, like a lost registration. For a socket that may be dead unnoticed;
    // an id or credentials request still pending is dropped and made again.
    void reconnect();

    // Sends a frame when Open; false otherwise (the server would only drop it).
    bool send(const std::string& frame);

    State state() const { return state_; }
    bool isOpen() const { return state_ == State::Open; }
    // Credentials mode: the server issued our id and is registering it now (or has). Nobody else can take that
    // id, so it may be named (callpeer) before OPEN, while the socket is still connecting.
    bool idIssued() const {
        return !options_.credentialsUrl.empty() && !id_.empty() && (state_ == State::Connecting || isOpen());
    }
    const std::string& id() const { return id_; }
    const std::string& token() const { return token_; }
    // After Failed: the peerjs error type ("server-error", "unavailable-id", "network") and its message.
    const std::string& errorType() const { return errorType_; }
    const std::string& errorMessage() const { return errorMessage_; }

    void onStateChange(std::function<void(State)> cb) { stateCb_ = std::move(cb); }
    void onError(std::function<void(const std::string& type, const std::string& message)> cb) {
        errorCb_ = std::move(cb);
    }

    // Routes relayed messages from `peer` to `handler`: OFFER/ANSWER/CANDIDATE carrying `connectionId`,
    // and LEAVE/EXPIRE from that peer (they name no connection). close() says goodbye to attached peers.
    // Returns a key for detach(). A handler may detach itself or others while it runs.
    int attach(const std::string& peer, const std::string& connectionId, Handler handler);
    void detach(int key);

    // Test and debug hook: the frames routed to nobody (e.g. an OFFER from an agent; we never answer).
    void onUnrouted(std::function<void(const ServerMessage&)> cb) { unroutedCb_ = std::move(cb); }

  private:
    struct Route {
        std::string peer;
        std::string connectionId;
        Handler handler;
    };

    void fetchId();
    void fetchCredentials();
    void begin(); // a new id (and token): chosen, fetched or issued, per the options
    void connect();
    void handleOpen(unsigned attempt);
    void handleText(unsigned attempt, const std::string& text);
    void handleClose(unsigned attempt, int code);
    void dispatch(const ServerMessage& m);
    void heartbeat();
    void fail(const std::string& type, const std::string& message, bool reusable = false);
    void setState(State s);
    void dropSocket();
    void retire(std::unique_ptr<Socket> s);
    void stopTimers();
    void armOpenTimer(unsigned attempt, const char* message);

    Options options_;
    Scheduler& scheduler_;
    SocketFactory sockets_;
    HttpFn http_;

    State state_ = State::Idle;
    std::string id_;
    std::string token_;
    std::string errorType_;
    std::string errorMessage_;
    bool idTakenRetried_ = false;
    bool reusable_ = false; // credentials mode: id_/token_ were registered and the registration was lost
    unsigned attempt_ = 0;  // identifies the current socket / id fetch; stale callbacks compare against it

    std::unique_ptr<Socket> socket_;
    std::vector<std::unique_ptr<Socket>> retired_; // closed sockets, freed outside their own callbacks
    TimerId heartbeatTimer_ = 0;
    TimerId openTimer_ = 0;
    TimerId reapTimer_ = 0;

    std::map<int, Route> routes_;
    int nextRoute_ = 1;

    std::function<void(State)> stateCb_;
    std::function<void(const std::string&, const std::string&)> errorCb_;
    std::function<void(const ServerMessage&)> unroutedCb_;
    AliveToken alive_;
};

const char* toString(Signaling::State state);

} // namespace kefu::peerjs
