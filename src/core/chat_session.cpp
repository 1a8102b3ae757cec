// ChatSession (chat_session.hpp): start and stop, the visitor's identity, its HTTP requests (config, history,
// profile), typing and read marks. The socket and its frames are in chat_session_socket.cpp, sending in
// chat_session_send.cpp.
#include "core/chat_session.hpp"

#include <algorithm>
#include <utility>

#include "core/text.hpp"

namespace kefu {

namespace {

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
