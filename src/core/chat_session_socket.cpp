// ChatSession's visitor socket: opening it and authenticating, the frames the server sends, losing it, the
// backoff before the next attempt and the keepalive ping (docs/PROTOCOL.md §3).
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

} // namespace

std::string visitorSocketUrl(std::string_view serverUrl) {
    std::string base(serverUrl);
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (startsWith(base, "https://"))
        base = "wss://" + base.substr(8);
    else if (startsWith(base, "http://"))
        base = "ws://" + base.substr(7);
    return base + "/ws/visitor";
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

void ChatSession::armPing() {
    disarm(pingTimer_);
    pingTimer_ = arm(config_.pingIntervalMs, [this] {
        pingTimer_ = 0;
        ping(config_.pongTimeoutMs);
        if (online_) armPing();
    });
}

// Sends a ping; no frame at all within `timeoutMs` means the socket is dead. An earlier, longer wait is
// shortened, never a shorter one lengthened.
void ChatSession::ping(int timeoutMs) {
    if (!online_ || !sendFrame(encodePing())) return;
    const std::int64_t due = scheduler_.nowMs() + timeoutMs;
    if (deadTimer_ && deadDueMs_ <= due) return;
    disarm(deadTimer_);
    deadDueMs_ = due;
    deadTimer_ = arm(timeoutMs, [this] {
        deadTimer_ = 0;
        warn("the server stopped answering; reconnecting");
        dropSocket(true);
        connectionLost(kCloseAbnormal);
    });
}

void ChatSession::probe() {
    ping(config_.probeTimeoutMs);
}

} // namespace kefu
