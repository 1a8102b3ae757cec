// ChatSession's outgoing messages: validation, the outbox, pacing to the server's rate and the delivery
// deadline (docs/PROTOCOL.md §4, "The widget's outbox").
#include <algorithm>

#include "core/chat_session.hpp"
#include "core/text.hpp"

namespace kefu {

std::size_t ChatSession::maxMessageChars() const {
    if (configLoaded_ && serverConfig_.maxMessageChars > 0)
        return std::min<std::size_t>(static_cast<std::size_t>(serverConfig_.maxMessageChars), kMaxMessageChars);
    return kMaxMessageChars;
}

SendResult ChatSession::send(std::string_view text) {
    SendResult result;
    OutgoingText v = validateOutgoing(text, maxMessageChars());
    if (!v.ok) {
        result.errorCode = v.errorCode;
        return result;
    }
    const std::int64_t now = scheduler_.nowMs();
    std::string id = newClientId(now, random_);
    while (store_.find(id) || outbox_.find(id)) id = newClientId(now, random_);

    Message m;
    m.id = id;
    m.from = Sender::Visitor;
    m.text = v.trimmed;
    m.timeMs = now;
    m.delivery = Delivery::Pending;
    store_.addPending(std::move(m));
    outbox_.enqueue(id, std::move(v.trimmed), now);
    stopTyping();
    flushOutbox();
    if (state_ == ConnectionState::Offline) start(); // the visitor wants to talk: try again rather than fail at once
    publish();
    result.ok = true;
    result.id = id;
    return result;
}

bool ChatSession::restorePending(const std::string& id, std::string_view text, std::int64_t timeMs) {
    OutgoingText v = validateOutgoing(text, maxMessageChars());
    if (!v.ok || id.empty() || store_.find(id) || outbox_.find(id)) return false;
    Message m;
    m.id = id;
    m.from = Sender::Visitor;
    m.text = v.trimmed;
    m.timeMs = timeMs > 0 ? timeMs : scheduler_.nowMs();
    m.delivery = Delivery::Pending;
    store_.addPending(std::move(m));
    outbox_.enqueue(id, std::move(v.trimmed), scheduler_.nowMs());
    flushOutbox();
    publish();
    return true;
}

bool ChatSession::restoreFailed(const std::string& id, std::string_view text, std::int64_t timeMs,
                                const std::string& code, const std::string& message) {
    OutgoingText v = validateOutgoing(text, maxMessageChars());
    if (!v.ok || id.empty() || code.empty() || store_.find(id) || outbox_.find(id)) return false;
    Message m;
    m.id = id;
    m.from = Sender::Visitor;
    m.text = v.trimmed;
    m.timeMs = timeMs > 0 ? timeMs : scheduler_.nowMs();
    m.delivery = Delivery::Pending;
    store_.addPending(std::move(m));
    store_.markFailed(id, code, message);
    outbox_.enqueue(id, std::move(v.trimmed), scheduler_.nowMs());
    outbox_.fail(id, code, message);
    publish();
    return true;
}

bool ChatSession::retry(const std::string& id) {
    if (!outbox_.retry(id, scheduler_.nowMs())) return false;
    store_.markPending(id);
    flushOutbox();
    if (state_ == ConnectionState::Offline) start();
    publish();
    return true;
}

bool ChatSession::discard(const std::string& id) {
    const OutboxEntry* e = outbox_.find(id);
    if (!e || !e->failed) return false;
    outbox_.remove(id);
    store_.removeUnacked(id);
    publish();
    return true;
}

bool ChatSession::sendFrame(const std::string& text) {
    if (!online_ || !socket_) return false;
    socket_->send(text);
    return true;
}

void ChatSession::applyRateLimits() {
    pacer_.setLimit(serverConfig_.messagesPerWindow, serverConfig_.rateWindowMs);
    flushOutbox();
}

// Writes what the pacer allows now and comes back for the rest when the window has room again.
void ChatSession::flushOutbox() {
    disarm(paceTimer_);
    if (!online_ || !socket_) return;
    const std::int64_t now = scheduler_.nowMs();
    // Until the config says what the server allows (a page loaded offline has not seen it), one a second:
    // the config's arrival writes the rest at the announced rate.
    const int budget = configLoaded_ ? pacer_.budget(now) : std::min(pacer_.budget(now), 1);
    outbox_.flush(conn_, now, budget, [this, now](const OutboxEntry& e) {
        pacer_.wrote(now);
        socket_->send(encodeMessage(e.id, e.text));
    });
    if (outbox_.unwrittenCount(conn_) > 0) {
        std::int64_t wait = std::clamp<std::int64_t>(pacer_.waitMs(now), 1, 3600000);
        if (!configLoaded_) wait = std::max<std::int64_t>(wait, 1000);
        paceTimer_ = arm(static_cast<int>(wait), [this] {
            paceTimer_ = 0;
            flushOutbox();
        });
    }
    armSendExpiry();
}

// Only while online: a message's deadline counts from its last write on this socket.
void ChatSession::armSendExpiry() {
    disarm(expiryTimer_);
    if (!online_) return;
    const std::int64_t oldest = outbox_.oldestWrittenMs(conn_);
    if (oldest < 0) return;
    const std::int64_t wait = std::max<std::int64_t>(0, oldest + config_.sendTimeoutMs - scheduler_.nowMs());
    expiryTimer_ = arm(static_cast<int>(std::min<std::int64_t>(wait, config_.sendTimeoutMs)), [this] {
        expiryTimer_ = 0;
        for (const std::string& id : outbox_.expire(conn_, scheduler_.nowMs(), config_.sendTimeoutMs)) {
            store_.markFailed(id, "timeout", "not acknowledged in time");
            if (onSendFailed_) onSendFailed_(id, "timeout", "not acknowledged in time");
        }
        armSendExpiry();
    });
}

void ChatSession::failMessage(const std::string& id, const std::string& code, const std::string& message) {
    outbox_.fail(id, code, message);
    store_.markFailed(id, code, message);
    if (onSendFailed_) onSendFailed_(id, code, message);
}

} // namespace kefu
