#include "core/chat_session.hpp"

#include <algorithm>
#include <utility>

#include "core/text.hpp"

namespace kefu {

namespace {

constexpr int kCloseAbnormal = 1006; // no close frame: what a dead or refused socket looks like
constexpr int kCloseUnauthorized = 4001;

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool isSuccess(int status) {
    return status >= 200 && status < 300;
}

// Worth retrying later: the network, the server being down or busy.
bool isTransient(int status) {
    return status == 0 || status == 408 || status == 429 || status >= 500;
}

std::string describe(const HttpResponse& r) {
    const ApiError e = parseApiError(r.status, r.body);
    std::string s = "HTTP " + std::to_string(r.status) + " " + e.code;
    if (!e.message.empty()) s += ": " + e.message;
    return s;
}

} // namespace

const char* toString(ConnectionState state) {
    switch (state) {
    case ConnectionState::Idle: return "idle";
    case ConnectionState::Connecting: return "connecting";
    case ConnectionState::Online: return "online";
    case ConnectionState::Reconnecting: return "reconnecting";
    case ConnectionState::Offline: return "offline";
    }
    return "idle";
}

std::string visitorSocketUrl(std::string_view serverUrl) {
    std::string base(serverUrl);
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (startsWith(base, "https://"))
        base = "wss://" + base.substr(8);
    else if (startsWith(base, "http://"))
        base = "ws://" + base.substr(7);
    return base + "/ws/visitor";
}

ChatSession::ChatSession(SessionConfig config, SocketFactory sockets, HttpFn http, Scheduler& scheduler,
                         RandomFn random)
    : config_(std::move(config)), sockets_(std::move(sockets)), http_(std::move(http)), scheduler_(scheduler),
      random_(std::move(random)), backoff_(random_) {
    base_ = config_.serverUrl;
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
    token_ = config_.token;
    visitorId_ = config_.visitorId;
    if (!config_.userJson.empty()) {
        Parsed<std::string> patch = encodeUserPatch(config_.userJson);
        if (patch.ok) {
            userJson_ = config_.userJson;
            pendingUserPatch_ = patch.value;
        }
    }
    store_.setReadSeq(config_.readSeq);
    lastReadReported_ = config_.readSeq;
    seenStoreRev_ = store_.revision();
}

ChatSession::~ChatSession() {
    disarmAll();
    disarm(retireTimer_);
    if (socket_) socket_->close();
}

// ---- callbacks ----

void ChatSession::onToken(std::function<void(const std::string&, const std::string&)> cb) {
    onToken_ = std::move(cb);
}
void ChatSession::onMessage(std::function<void(const Message&)> cb) {
    onMessage_ = std::move(cb);
}
void ChatSession::onAck(std::function<void(const std::string&, std::int64_t)> cb) {
    onAck_ = std::move(cb);
}
void ChatSession::onSendFailed(std::function<void(const std::string&, const std::string&, const std::string&)> cb) {
    onSendFailed_ = std::move(cb);
}
void ChatSession::onUnread(std::function<void(int)> cb) {
    onUnread_ = std::move(cb);
}
void ChatSession::onReadMark(std::function<void(std::int64_t)> cb) {
    onReadMark_ = std::move(cb);
}
void ChatSession::onConnection(std::function<void(ConnectionState)> cb) {
    onConnection_ = std::move(cb);
}
void ChatSession::onChange(std::function<void()> cb) {
    onChange_ = std::move(cb);
}
void ChatSession::onCallFrame(std::function<void(const CallFrame&)> cb) {
    onCallFrame_ = std::move(cb);
}
void ChatSession::onConfig(std::function<void(const ServerConfig&)> cb) {
    onConfig_ = std::move(cb);
}
void ChatSession::onWarning(std::function<void(const std::string&)> cb) {
    onWarning_ = std::move(cb);
}

// ---- lifecycle ----

void ChatSession::start() {
    if (state_ != ConnectionState::Idle && state_ != ConnectionState::Offline) return;
    recreatedVisitor_ = false;
    backoff_.reset();
    setState(ConnectionState::Connecting);
    if (!configLoaded_ && !configInFlight_) fetchConfig();
    connect();
    publish();
}

void ChatSession::stop() {
    ++epoch_;
    dropSocket(true);
    disarmAll();
    online_ = false;
    creating_ = false;
    historyInFlight_ = false;
    loadingOlder_ = false;
    patchInFlight_ = false;
    typingOn_ = false;
    setAgentTyping(false);
    setState(ConnectionState::Idle);
    publish();
}

void ChatSession::reconnectNow() {
    if (state_ == ConnectionState::Idle || state_ == ConnectionState::Offline) {
        start();
        return;
    }
    if (state_ != ConnectionState::Reconnecting || reconnectTimer_ == 0) return; // already connecting
    disarm(reconnectTimer_);
    backoff_.reset();
    connect();
    publish();
}

void ChatSession::connect() {
    if (token_.empty())
        createVisitor();
    else
        openSocket();
}

void ChatSession::createVisitor() {
    if (creating_) return;
    creating_ = true;
    request("POST", "/api/visitors", encodeCreateVisitor(config_.locale, userName(userJson_), config_.kefu), false,
            true, [this](const HttpResponse& r) {
                creating_ = false;
                Parsed<VisitorCreated> created = parseVisitorCreated(r.body);
                if (isSuccess(r.status) && created.ok) {
                    token_ = created.value.token;
                    visitorId_ = created.value.visitorId;
                    if (onToken_) onToken_(visitorId_, token_);
                    if (!pendingUserPatch_.empty()) sendUserPatch();
                    openSocket();
                    return;
                }
                if (isTransient(r.status) || isSuccess(r.status)) {
                    warn("could not create the visitor (" + describe(r) + "); retrying");
                    scheduleReconnect();
                    return;
                }
                giveUp("the server refused to create the visitor (" + describe(r) + ")");
            });
}

void ChatSession::openSocket() {
    dropSocket(true);
    const std::uint64_t conn = ++conn_;
    const std::weak_ptr<bool> alive = alive_;
    SocketCallbacks cb;
    cb.onOpen = [this, alive, conn] {
        if (!alive.expired()) socketOpened(conn);
    };
    cb.onMessage = [this, alive, conn](const std::string& text) {
        if (!alive.expired()) socketText(conn, text);
    };
    cb.onClose = [this, alive, conn](int code) {
        if (!alive.expired()) socketClosed(conn, code);
    };
    inFactory_ = true;
    earlyOpen_ = false;
    earlyCloseCode_ = 0;
    std::unique_ptr<Socket> s = sockets_ ? sockets_(visitorSocketUrl(base_), std::move(cb)) : nullptr;
    inFactory_ = false;
    if (conn != conn_) { // superseded from inside the factory (should not happen)
        if (s) s->close();
        return;
    }
    if (!s || earlyCloseCode_ != 0) {
        retire(std::move(s));
        connectionLost(earlyCloseCode_ != 0 ? earlyCloseCode_ : kCloseAbnormal);
        return;
    }
    socket_ = std::move(s);
    disarm(helloTimer_);
    helloTimer_ = arm(config_.helloTimeoutMs, [this, conn] {
        helloTimer_ = 0;
        if (conn != conn_ || online_) return;
        warn("no hello from the server in time; reconnecting");
        dropSocket(true);
        connectionLost(kCloseAbnormal);
    });
    if (earlyOpen_) socketOpened(conn);
}

void ChatSession::socketOpened(std::uint64_t conn) {
    if (conn != conn_) return;
    if (inFactory_) {
        earlyOpen_ = true;
        return;
    }
    if (socket_) socket_->send(encodeAuth(token_));
    publish();
}

void ChatSession::socketText(std::uint64_t conn, const std::string& text) {
    if (conn != conn_ || !socket_) return;
    disarm(deadTimer_); // any frame proves the socket alive
    const DecodeResult r = decodeServerFrame(text);
    if (auto* h = std::get_if<frame::Hello>(&r)) {
        handleHello(*h);
    } else if (auto* a = std::get_if<frame::Ack>(&r)) {
        handleAck(*a);
    } else if (auto* m = std::get_if<frame::MessageFrame>(&r)) {
        absorb(m->message, true);
    } else if (auto* rd = std::get_if<frame::Read>(&r)) {
        handleRead(*rd);
    } else if (auto* t = std::get_if<frame::Typing>(&r)) {
        setAgentTyping(t->on);
    } else if (auto* s = std::get_if<frame::Status>(&r)) {
        if (agentOnline_ != s->online || outsideHours_ != (s->unavailable == "hours")) {
            agentOnline_ = s->online;
            outsideHours_ = s->unavailable == "hours";
            dirty_ = true;
        }
        setStandingPeer(s->peer);
        if (!s->online) setAgentTyping(false);
    } else if (auto* acc = std::get_if<frame::Accept>(&r)) {
        if (onCallFrame_) onCallFrame_(CallFrame(*acc));
    } else if (auto* rej = std::get_if<frame::Reject>(&r)) {
        if (onCallFrame_) onCallFrame_(CallFrame(*rej));
    } else if (auto* hup = std::get_if<frame::Hangup>(&r)) {
        if (onCallFrame_) onCallFrame_(CallFrame(*hup));
    } else if (auto* sw = std::get_if<frame::SwitchReply>(&r)) {
        if (onCallFrame_) onCallFrame_(CallFrame(*sw));
    } else if (auto* rg = std::get_if<frame::Ring>(&r)) {
        if (onCallFrame_) onCallFrame_(CallFrame(*rg));
    } else if (auto* e = std::get_if<frame::Error>(&r)) {
        handleError(*e);
    } else if (std::holds_alternative<frame::Pong>(r)) {
        // Liveness only.
    } else if (auto* u = std::get_if<frame::Unknown>(&r)) {
        warn("ignored a frame of unknown type \"" + u->type + "\"");
    } else if (auto* bad = std::get_if<frame::Malformed>(&r)) {
        warn("ignored a malformed frame: " + bad->reason);
    }
    publish();
}

void ChatSession::socketClosed(std::uint64_t conn, int code) {
    if (conn != conn_) return;
    if (inFactory_) {
        earlyCloseCode_ = code != 0 ? code : kCloseAbnormal;
        return;
    }
    if (!socket_) return;
    dropSocket(false);
    connectionLost(code);
    publish();
}

void ChatSession::dropSocket(bool close) {
    ++conn_; // whatever the old socket still reports is stale from now on
    if (!socket_) return;
    std::unique_ptr<Socket> s = std::move(socket_);
    if (close) s->close();
    retire(std::move(s));
}

// We may be inside this socket's own callback: destroy it a moment later.
void ChatSession::retire(std::unique_ptr<Socket> s) {
    if (!s) return;
    retired_.push_back(std::move(s));
    if (retireTimer_ == 0) {
        const std::weak_ptr<bool> alive = alive_;
        retireTimer_ = scheduler_.after(0, [this, alive] {
            if (alive.expired()) return;
            retireTimer_ = 0;
            retired_.clear();
        });
    }
}

void ChatSession::connectionLost(int code) {
    online_ = false;
    typingOn_ = false;
    // Offline time does not count against a message: its clock starts again when it is written again.
    disarm(expiryTimer_);
    disarm(paceTimer_);
    disarm(helloTimer_);
    disarm(pingTimer_);
    disarm(deadTimer_);
    disarm(typingIdleTimer_);
    setAgentTyping(false);
    if (code == kCloseUnauthorized)
        tokenRejected();
    else
        scheduleReconnect();
}

void ChatSession::scheduleReconnect() {
    if (state_ == ConnectionState::Idle || state_ == ConnectionState::Offline) return;
    setState(ConnectionState::Reconnecting);
    disarm(reconnectTimer_);
    reconnectTimer_ = arm(backoff_.next(), [this] {
        reconnectTimer_ = 0;
        connect();
    });
}

// The server does not know our token (expired, or its data was reset): start over as a new visitor, once.
void ChatSession::tokenRejected() {
    if (recreatedVisitor_) {
        giveUp("the server refused the visitor token again");
        return;
    }
    recreatedVisitor_ = true;
    warn("the visitor token was refused; creating a new visitor");
    ++epoch_; // replies for the old identity are ignored
    dropSocket(true);
    online_ = false;
    disarm(reconnectTimer_);
    creating_ = false;
    historyInFlight_ = false;
    loadingOlder_ = false;
    patchInFlight_ = false;
    token_.clear();
    visitorId_.clear();
    store_.clearConversation();
    lastReadSent_ = 0;
    lastReadReported_ = 0;
    agentReadSeq_ = 0;
    if (!userJson_.empty()) {
        Parsed<std::string> patch = encodeUserPatch(userJson_);
        if (patch.ok) pendingUserPatch_ = patch.value;
    }
    setState(ConnectionState::Reconnecting);
    createVisitor();
}

void ChatSession::giveUp(const std::string& why) {
    dropSocket(true);
    disarmAll();
    online_ = false;
    creating_ = false;
    for (const std::string& id : outbox_.failAll("offline", why)) {
        store_.markFailed(id, "offline", why);
        if (onSendFailed_) onSendFailed_(id, "offline", why);
    }
    setState(ConnectionState::Offline);
    warn(why);
}

// ---- frames ----

void ChatSession::setStandingPeer(const std::string& peer) {
    if (peer == standingPeer_) return;
    standingPeer_ = peer;
    if (onStandingPeer_) {
        auto cb = onStandingPeer_;
        cb(standingPeer_);
    }
}

void ChatSession::handleHello(const frame::Hello& h) {
    disarm(helloTimer_);
    online_ = true;
    backoff_.reset();
    recreatedVisitor_ = false;
    if (!h.visitorId.empty()) visitorId_ = h.visitorId;
    if (h.kefuName != helloKefuName_ || h.kefuOnline != agentOnline_ ||
        outsideHours_ != (h.kefuUnavailable == "hours")) {
        helloKefuName_ = h.kefuName;
        agentOnline_ = h.kefuOnline;
        outsideHours_ = h.kefuUnavailable == "hours";
        dirty_ = true;
    }
    setStandingPeer(h.kefuPeer);
    store_.setReadSeq(h.visitorReadSeq);
    lastReadSent_ = std::max(lastReadSent_, h.visitorReadSeq);
    if (h.agentReadSeq > agentReadSeq_) {
        agentReadSeq_ = h.agentReadSeq;
        dirty_ = true;
    }
    setState(ConnectionState::Online);
    flushOutbox();
    sendReadIfNeeded();
    if (!pendingUserPatch_.empty() && !patchInFlight_) sendUserPatch();
    if (!configLoaded_ && !configInFlight_) fetchConfig();
    if (!store_.historyLoaded() || store_.ackedCount() == 0) {
        if (h.lastSeq == 0 && store_.ackedCount() == 0)
            store_.prependHistory(HistoryPage{}); // a new conversation: nothing to load
        else if (!historyInFlight_)
            fetchHistory(HistoryKind::Initial, 0, 0, 0);
    } else if (h.lastSeq > store_.newestSeq() && !historyInFlight_) {
        fetchHistory(HistoryKind::CatchUp, 0, store_.newestSeq(), 0);
    }
    armPing();
}

void ChatSession::handleAck(const frame::Ack& a) {
    const bool queued = outbox_.ack(a.id);
    const bool changed = store_.applyAck(a.id, a.seq, a.timeMs);
    if ((queued || changed) && onAck_) onAck_(a.id, a.seq);
}

void ChatSession::handleRead(const frame::Read& r) {
    if (r.by == "agent") {
        if (r.seq > agentReadSeq_) {
            agentReadSeq_ = r.seq;
            dirty_ = true;
        }
    } else if (r.by == "visitor" || r.by.empty()) {
        // Read in another tab: nothing to send back, but the badge clears here too.
        store_.setReadSeq(r.seq);
        lastReadSent_ = std::max(lastReadSent_, r.seq);
        sendReadIfNeeded();
    }
}

void ChatSession::handleError(const frame::Error& e) {
    const OutboxEntry* entry = e.id.empty() ? nullptr : outbox_.find(e.id);
    if (entry && !entry->failed && e.code == "rate_limited") {
        // Not a verdict on the message: written again, in order, once the server's window has passed.
        outbox_.unwrite(e.id);
        pacer_.pause(scheduler_.nowMs());
        flushOutbox();
        return;
    }
    if (entry && !entry->failed) {
        failMessage(e.id, e.code, e.message);
        return;
    }
    warn("server error " + e.code + (e.message.empty() ? "" : ": " + e.message) +
         (e.id.empty() ? "" : " (" + e.id + ")"));
}

void ChatSession::absorb(const Message& m, bool live) {
    const ChatStore::Merge r = store_.addServerMessage(m);
    if (r == ChatStore::Merge::Confirmed) {
        outbox_.ack(m.id);
        if (onAck_) onAck_(m.id, m.seq);
    } else if (r == ChatStore::Merge::Added && live) {
        if (m.from == Sender::Agent) setAgentTyping(false);
        if (onMessage_) onMessage_(m);
    }
}

// ---- HTTP ----

void ChatSession::request(const char* method, const std::string& path, std::string body, bool authorized,
                          bool identityBound, std::function<void(const HttpResponse&)> done) {
    if (!http_) {
        done(HttpResponse{});
        return;
    }
    const std::weak_ptr<bool> alive = alive_;
    const std::uint64_t epoch = epoch_;
    const std::string bearer = authorized ? token_ : std::string();
    http_(method, base_ + path, body, bearer, [this, alive, epoch, identityBound, done](HttpResponse r) {
        if (alive.expired() || (identityBound && epoch != epoch_)) return;
        done(r);
        publish();
    });
}

// A 401 from a visitor endpoint means the same as close code 4001.
bool ChatSession::handleUnauthorized(const HttpResponse& r) {
    if (r.status != 401) return false;
    tokenRejected();
    return true;
}

void ChatSession::fetchConfig() {
    configInFlight_ = true;
    request("GET", "/api/config", std::string(), false, false, [this](const HttpResponse& r) {
        configInFlight_ = false;
        Parsed<ServerConfig> parsed = parseServerConfig(r.body);
        if (!isSuccess(r.status) || !parsed.ok) {
            warn("could not load the widget config (" + (isSuccess(r.status) ? parsed.error : describe(r)) + ")");
            return;
        }
        serverConfig_ = std::move(parsed.value);
        configLoaded_ = true;
        dirty_ = true;
        applyRateLimits();
        if (onConfig_) onConfig_(serverConfig_);
    });
}

void ChatSession::fetchHistory(HistoryKind kind, std::int64_t before, std::int64_t catchUpFrom, int round) {
    std::string path = "/api/messages?limit=" + std::to_string(std::clamp(config_.historyPageSize, 1, 100));
    if (before > 0) path += "&before=" + std::to_string(before);
    if (kind == HistoryKind::Older)
        loadingOlder_ = true;
    else
        historyInFlight_ = true;
    dirty_ = true;
    request("GET", path, std::string(), true, true, [this, kind, catchUpFrom, round](const HttpResponse& r) {
        if (kind == HistoryKind::Older)
            loadingOlder_ = false;
        else
            historyInFlight_ = false;
        dirty_ = true;
        if (handleUnauthorized(r)) return;
        Parsed<HistoryPage> page = parseHistoryPage(r.body);
        if (!isSuccess(r.status) || !page.ok) {
            warn("could not load messages (" + (isSuccess(r.status) ? page.error : describe(r)) + ")");
            return;
        }
        if (page.value.skipped > 0)
            warn("ignored " + std::to_string(page.value.skipped) + " malformed message(s) in history");
        if (kind == HistoryKind::CatchUp) {
            // Messages missed while offline are news: announce them, in order.
            for (const Message& m : page.value.messages) absorb(m, m.seq > catchUpFrom);
            const auto& ms = page.value.messages;
            const bool gap = page.value.hasMore && !ms.empty() && ms.front().seq > catchUpFrom + 1;
            if (gap && round + 1 < config_.catchUpMaxPages)
                fetchHistory(HistoryKind::CatchUp, ms.front().seq, catchUpFrom, round + 1);
            return;
        }
        for (const Message& m : page.value.messages) absorb(m, false);
        store_.prependHistory(page.value);
    });
}

void ChatSession::sendUserPatch() {
    if (token_.empty() || pendingUserPatch_.empty()) return;
    patchInFlight_ = true;
    const std::string body = pendingUserPatch_;
    request("PATCH", "/api/visitors/me", body, true, true, [this, body](const HttpResponse& r) {
        patchInFlight_ = false;
        if (handleUnauthorized(r)) return;
        if (isSuccess(r.status) || !isTransient(r.status)) {
            if (!isSuccess(r.status)) warn("the visitor profile was refused (" + describe(r) + ")");
            if (pendingUserPatch_ == body)
                pendingUserPatch_.clear();
            else
                sendUserPatch(); // changed meanwhile
            return;
        }
        warn("could not update the visitor profile (" + describe(r) + "); will retry");
    });
}

// ---- typing, presence, read ----

void ChatSession::setTyping(bool typing) {
    if (!typing) {
        stopTyping();
        publish();
        return;
    }
    const std::int64_t now = scheduler_.nowMs();
    if (!typingOn_ || now - lastTypingOnMs_ >= config_.typingRepeatMs) {
        if (!sendFrame(encodeTyping(true))) return;
        typingOn_ = true;
        lastTypingOnMs_ = now;
    }
    disarm(typingIdleTimer_);
    typingIdleTimer_ = arm(config_.typingIdleMs, [this] {
        typingIdleTimer_ = 0;
        stopTyping();
    });
}

void ChatSession::stopTyping() {
    disarm(typingIdleTimer_);
    if (!typingOn_) return;
    typingOn_ = false;
    sendFrame(encodeTyping(false));
}

void ChatSession::setAgentTyping(bool on) {
    disarm(agentTypingTimer_);
    if (on)
        agentTypingTimer_ = arm(config_.agentTypingTimeoutMs, [this] {
            agentTypingTimer_ = 0;
            setAgentTyping(false);
        });
    if (agentTyping_ != on) {
        agentTyping_ = on;
        dirty_ = true;
    }
}

void ChatSession::armPing() {
    disarm(pingTimer_);
    pingTimer_ = arm(config_.pingIntervalMs, [this] {
        pingTimer_ = 0;
        if (!online_ || !sendFrame(encodePing())) return;
        disarm(deadTimer_);
        deadTimer_ = arm(config_.pongTimeoutMs, [this] {
            deadTimer_ = 0;
            warn("the server stopped answering; reconnecting");
            dropSocket(true);
            connectionLost(kCloseAbnormal);
        });
        armPing();
    });
}

bool ChatSession::loadOlder() {
    if (token_.empty() || loadingOlder_ || historyInFlight_) return false;
    if (!store_.historyLoaded()) {
        fetchHistory(HistoryKind::Initial, 0, 0, 0);
        publish();
        return true;
    }
    if (!store_.hasMoreHistory() || store_.oldestSeq() <= 0) return false;
    fetchHistory(HistoryKind::Older, store_.oldestSeq(), 0, 0);
    publish();
    return true;
}

void ChatSession::markRead() {
    store_.markAllRead();
    sendReadIfNeeded();
    publish();
}

void ChatSession::sendReadIfNeeded() {
    const std::int64_t seq = store_.readSeq();
    if (seq > lastReadSent_ && sendFrame(encodeRead(seq))) lastReadSent_ = seq;
    if (seq > lastReadReported_) {
        lastReadReported_ = seq;
        if (onReadMark_) onReadMark_(seq);
    }
}

bool ChatSession::setUser(std::string_view userJson) {
    Parsed<std::string> patch = encodeUserPatch(userJson);
    if (!patch.ok) {
        warn("setUser ignored: " + patch.error);
        return false;
    }
    userJson_ = std::string(userJson);
    pendingUserPatch_ = patch.value;
    if (!token_.empty() && !patchInFlight_) sendUserPatch();
    publish();
    return true;
}

// ---- queries ----

std::string ChatSession::kefuName() const {
    if (!helloKefuName_.empty()) return helloKefuName_;
    return serverConfig_.kefuName;
}

std::string ChatSession::welcome(Locale locale) const {
    const auto& w = serverConfig_.welcome;
    auto exact = w.find(localeTag(locale));
    if (exact != w.end() && !exact->second.empty()) return exact->second;
    for (const auto& entry : w)
        if (!entry.first.empty() && !entry.second.empty() && parseLocale(entry.first) == locale) return entry.second;
    auto any = w.find("");
    if (any != w.end() && !any->second.empty()) return any->second;
    return tr(locale, Key::WelcomeFallback);
}

// ---- plumbing ----

TimerId ChatSession::arm(int delayMs, std::function<void()> fn) {
    const std::weak_ptr<bool> alive = alive_;
    return scheduler_.after(std::max(0, delayMs), [this, alive, fn = std::move(fn)] {
        if (alive.expired()) return;
        fn();
        publish();
    });
}

void ChatSession::disarm(TimerId& id) {
    if (id != 0) scheduler_.cancel(id);
    id = 0;
}

void ChatSession::disarmAll() {
    disarm(reconnectTimer_);
    disarm(helloTimer_);
    disarm(pingTimer_);
    disarm(deadTimer_);
    disarm(typingIdleTimer_);
    disarm(agentTypingTimer_);
    disarm(expiryTimer_);
    disarm(paceTimer_);
}

void ChatSession::setState(ConnectionState s) {
    if (state_ == s) return;
    state_ = s;
    dirty_ = true;
    if (onConnection_) onConnection_(s);
}

void ChatSession::warn(const std::string& text) {
    if (onWarning_) onWarning_(text);
}

void ChatSession::publish() {
    const bool changed = dirty_ || store_.revision() != seenStoreRev_;
    if (changed) {
        dirty_ = false;
        seenStoreRev_ = store_.revision();
        ++revision_;
    }
    const int unread = store_.unread();
    if (unread != lastUnread_) {
        lastUnread_ = unread;
        if (onUnread_) onUnread_(unread);
    }
    if (changed && onChange_) onChange_();
}

} // namespace kefu
