#include "socket.hpp"

namespace kefu::peerjs {

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

} // namespace

const char* toString(Signaling::State state) {
    switch (state) {
    case Signaling::State::Idle: return "idle";
    case Signaling::State::FetchingId: return "fetching-id";
    case Signaling::State::Connecting: return "connecting";
    case Signaling::State::Open: return "open";
    case Signaling::State::Closed: return "closed";
    case Signaling::State::Failed: return "failed";
    }
    return "idle";
}

Signaling::Signaling(Options options, Scheduler& scheduler, SocketFactory sockets, HttpFn http)
    : options_(std::move(options)), scheduler_(scheduler), sockets_(std::move(sockets)), http_(std::move(http)) {}

Signaling::~Signaling() {
    stopTimers();
    if (reapTimer_) scheduler_.cancel(reapTimer_);
    if (socket_) socket_->close();
}

void Signaling::open() {
    if (state_ == State::FetchingId || state_ == State::Connecting || state_ == State::Open) return;
    errorType_.clear();
    errorMessage_.clear();
    idTakenRetried_ = false;
    if (reusable_ && !options_.credentialsUrl.empty()) {
        reusable_ = false; // once: if the server no longer takes them, the next open() fetches new ones
        connect();
        return;
    }
    begin();
}

void Signaling::begin() {
    reusable_ = false;
    if (!options_.credentialsUrl.empty() && http_) {
        fetchCredentials();
    } else if (options_.fetchId && http_) {
        token_ = randomToken();
        fetchId();
    } else {
        token_ = randomToken();
        id_ = randomId(options_.idPrefix);
        connect();
    }
}

void Signaling::fetchCredentials() {
    const unsigned attempt = ++attempt_;
    id_.clear();
    token_.clear();
    setState(State::FetchingId);
    if (attempt != attempt_) return; // a state handler closed us meanwhile
    armOpenTimer(attempt, "Could not reach the server for PeerJS credentials.");
    http_("POST", options_.credentialsUrl, "{}", options_.credentialsBearer,
          alive_.guard([this, attempt](HttpResponse r) {
              if (attempt != attempt_ || state_ != State::FetchingId) return;
              Credentials c;
              if (r.status != 200 || !parseCredentials(r.body, c)) {
                  fail("server-error", r.status == 0 ? "Could not reach the server for PeerJS credentials."
                                                     : "The server gave no PeerJS credentials.");
                  return;
              }
              id_ = c.id;
              token_ = c.token;
              connect();
          }));
}

void Signaling::fetchId() {
    const unsigned attempt = ++attempt_;
    id_.clear();
    setState(State::FetchingId);
    if (attempt != attempt_) return; // a state handler closed us meanwhile
    armOpenTimer(attempt, "Could not get an ID from the server.");
    http_("GET", options_.idUrl(scheduler_.nowMs()), "", "", alive_.guard([this, attempt](HttpResponse r) {
        if (attempt != attempt_ || state_ != State::FetchingId) return;
        const std::string id = trim(r.body);
        if (r.status != 200 || !isValidId(id)) {
            fail("server-error", "Could not get an ID from the server.");
            return;
        }
        id_ = id;
        connect();
    }));
}

void Signaling::connect() {
    const unsigned attempt = ++attempt_;
    setState(State::Connecting);
    if (attempt != attempt_) return;
    armOpenTimer(attempt, "Could not connect to the server.");

    SocketCallbacks cbs;
    cbs.onOpen = alive_.guard([this, attempt] { handleOpen(attempt); });
    cbs.onMessage = alive_.guard([this, attempt](const std::string& text) { handleText(attempt, text); });
    cbs.onClose = alive_.guard([this, attempt](int code) { handleClose(attempt, code); });
    std::unique_ptr<Socket> s = sockets_ ? sockets_(options_.socketUrl(id_, token_), std::move(cbs)) : nullptr;

    // The factory may report a failed attempt synchronously; whatever happened then wins.
    if (attempt != attempt_ || (state_ != State::Connecting && state_ != State::Open)) {
        if (s) {
            s->close();
            retire(std::move(s));
        }
        return;
    }
    if (!s) {
        fail("network", "Could not connect to the server.");
        return;
    }
    socket_ = std::move(s);
}

void Signaling::handleOpen(unsigned attempt) {
    if (attempt != attempt_) return;
    // peerjs starts its heartbeat chain when the WebSocket opens, not at OPEN.
    if (heartbeatTimer_) scheduler_.cancel(heartbeatTimer_);
    heartbeatTimer_ = scheduler_.after(kHeartbeatMs, alive_.guard([this] { heartbeat(); }));
}

void Signaling::heartbeat() {
    heartbeatTimer_ = 0;
    if (!socket_) return;
    socket_->send(encodeHeartbeat());
    heartbeatTimer_ = scheduler_.after(kHeartbeatMs, alive_.guard([this] { heartbeat(); }));
}

void Signaling::handleText(unsigned attempt, const std::string& text) {
    if (attempt != attempt_) return;
    const ServerMessage m = parseServerMessage(text);
    switch (m.type) {
    case MessageType::Open:
        if (state_ == State::Connecting) {
            if (openTimer_) scheduler_.cancel(openTimer_);
            openTimer_ = 0;
            setState(State::Open);
        }
        break;
    case MessageType::Error:
        fail("server-error", m.errorMessage.empty() ? std::string("Server error") : m.errorMessage);
        break;
    case MessageType::IdTaken:
        if (!idTakenRetried_) {
            // Our ids are random, so a clash is someone else's id (or our own from a previous page, still held
            // by the server with the old token). One retry with a new id settles both.
            idTakenRetried_ = true;
            stopTimers();
            dropSocket();
            begin();
        } else {
            fail("unavailable-id", m.errorMessage.empty() ? std::string("ID is taken") : m.errorMessage);
        }
        break;
    case MessageType::Offer:
    case MessageType::Answer:
    case MessageType::Candidate:
    case MessageType::Leave:
    case MessageType::Expire: dispatch(m); break;
    case MessageType::Unknown:
    case MessageType::Malformed: break; // stock peerjs ignores these too
    }
}

void Signaling::handleClose(unsigned attempt, int /*code*/) {
    if (attempt != attempt_) return;
    const bool wasOpen = state_ == State::Open;
    // A lost registration may be taken up again with the same credentials (not a refused one).
    if (state_ == State::Connecting || wasOpen)
        fail("network", "Lost connection to server.", wasOpen && !options_.credentialsUrl.empty());
}

void Signaling::dispatch(const ServerMessage& m) {
    const bool perPeer = m.type == MessageType::Leave || m.type == MessageType::Expire;
    std::vector<int> keys;
    for (const auto& [key, route] : routes_) {
        if (route.peer == m.src && (perPeer || route.connectionId == m.connectionId)) keys.push_back(key);
    }
    if (keys.empty()) {
        if (unroutedCb_) {
            auto cb = unroutedCb_;
            cb(m);
        }
        return;
    }
    for (int key : keys) {
        auto it = routes_.find(key);
        if (it == routes_.end()) continue; // detached by an earlier handler
        Handler h = it->second.handler;
        if (h) h(m);
    }
}

bool Signaling::send(const std::string& frame) {
    if (state_ != State::Open || !socket_ || frame.empty()) return false;
    socket_->send(frame);
    return true;
}

void Signaling::close() {
    if (socket_ && state_ == State::Open) {
        // Peers of connections still attached; finished ones already said goodbye (or heard it).
        std::set<std::string> peers;
        for (const auto& [key, route] : routes_) peers.insert(route.peer);
        for (const auto& peer : peers) {
            const std::string leave = encodeLeave(peer);
            if (!leave.empty()) socket_->send(leave);
        }
    }
    stopTimers();
    dropSocket();
    ++attempt_;
    reusable_ = false;
    if (state_ != State::Closed) setState(State::Closed);
}

void Signaling::reconnect() {
    // FetchingId too: its request may hang on a connection the network took away.
    if (state_ == State::Open || state_ == State::Connecting || state_ == State::FetchingId) {
        const bool keep = state_ == State::Open && !options_.credentialsUrl.empty();
        stopTimers();
        dropSocket();
        ++attempt_;
        reusable_ = keep;
        setState(State::Closed);
    }
    open();
}

int Signaling::attach(const std::string& peer, const std::string& connectionId, Handler handler) {
    const int key = nextRoute_++;
    routes_[key] = Route{peer, connectionId, std::move(handler)};
    return key;
}

void Signaling::detach(int key) {
    routes_.erase(key);
}

void Signaling::fail(const std::string& type, const std::string& message, bool reusable) {
    reusable_ = reusable; // before the handlers: one of them may open() again at once
    stopTimers();
    dropSocket();
    ++attempt_;
    errorType_ = type;
    errorMessage_ = message;
    if (errorCb_) {
        auto cb = errorCb_;
        cb(type, message);
    }
    setState(State::Failed); // last: a handler may open() again from here
}

void Signaling::setState(State s) {
    state_ = s;
    if (stateCb_) {
        auto cb = stateCb_;
        cb(s);
    }
}

void Signaling::dropSocket() {
    if (!socket_) return;
    socket_->close();
    retire(std::move(socket_));
}

void Signaling::retire(std::unique_ptr<Socket> s) {
    // We may be inside this socket's own callback: free it on the next turn.
    retired_.push_back(std::move(s));
    if (!reapTimer_) {
        reapTimer_ = scheduler_.after(0, alive_.guard([this] {
            reapTimer_ = 0;
            retired_.clear();
        }));
    }
}

// A request or handshake that never answers (its socket bound to an address that went away) must not
// leave the registration waiting for ever: after kOpenTimeoutMs it fails like any unreachable server.
void Signaling::armOpenTimer(unsigned attempt, const char* message) {
    if (openTimer_) scheduler_.cancel(openTimer_);
    const State waiting = state_;
    openTimer_ = scheduler_.after(kOpenTimeoutMs, alive_.guard([this, attempt, waiting, message] {
        openTimer_ = 0;
        if (attempt == attempt_ && state_ == waiting) fail("network", message);
    }));
}

void Signaling::stopTimers() {
    if (heartbeatTimer_) scheduler_.cancel(heartbeatTimer_);
    if (openTimer_) scheduler_.cancel(openTimer_);
    heartbeatTimer_ = 0;
    openTimer_ = 0;
}

} // namespace kefu::peerjs
