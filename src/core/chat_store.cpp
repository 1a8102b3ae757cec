#include "core/chat_store.hpp"

#include <algorithm>

namespace kefu {

namespace {
bool seqLess(const Message& m, std::int64_t seq) {
    return m.seq < seq;
}
} // namespace

std::size_t ChatStore::indexOf(const std::string& id) const {
    if (id.empty() || ids_.count(id) == 0) return messages_.size();
    // Recent messages are the ones acks and fan-out refer to: search from the end.
    for (std::size_t i = messages_.size(); i-- > 0;)
        if (messages_[i].id == id) return i;
    return messages_.size();
}

Message* ChatStore::findMutable(const std::string& id) {
    const std::size_t i = indexOf(id);
    return i < messages_.size() ? &messages_[i] : nullptr;
}

const Message* ChatStore::find(const std::string& id) const {
    const std::size_t i = indexOf(id);
    return i < messages_.size() ? &messages_[i] : nullptr;
}

bool ChatStore::hasSeq(std::int64_t seq) const {
    auto end = messages_.begin() + static_cast<std::ptrdiff_t>(acked_);
    auto it = std::lower_bound(messages_.begin(), end, seq, seqLess);
    return it != end && it->seq == seq;
}

void ChatStore::insertAcked(Message m) {
    auto end = messages_.begin() + static_cast<std::ptrdiff_t>(acked_);
    auto it = std::lower_bound(messages_.begin(), end, m.seq, seqLess);
    if (!m.id.empty()) ids_.insert(m.id);
    messages_.insert(it, std::move(m));
    ++acked_;
}

ChatStore::Merge ChatStore::addServerMessage(Message m) {
    if (m.seq <= 0) return Merge::Rejected;
    m.delivery = Delivery::Sent;
    m.errorCode.clear();
    m.error.clear();
    const std::size_t i = indexOf(m.id);
    if (i < messages_.size()) {
        if (i < acked_) return Merge::Duplicate;
        // Our own message, seen in the server's copy before (or instead of) its ack.
        messages_.erase(messages_.begin() + static_cast<std::ptrdiff_t>(i));
        ids_.erase(m.id);
        if (!hasSeq(m.seq)) insertAcked(std::move(m));
        touch();
        return Merge::Confirmed;
    }
    if (hasSeq(m.seq)) return Merge::Duplicate;
    insertAcked(std::move(m));
    touch();
    return Merge::Added;
}

bool ChatStore::addPending(Message m) {
    if (m.id.empty() || ids_.count(m.id) != 0) return false;
    m.seq = 0;
    m.from = Sender::Visitor;
    m.delivery = Delivery::Pending;
    ids_.insert(m.id);
    messages_.push_back(std::move(m));
    touch();
    return true;
}

bool ChatStore::applyAck(const std::string& id, std::int64_t seq, std::int64_t timeMs) {
    const std::size_t i = indexOf(id);
    if (i >= messages_.size() || i < acked_ || seq <= 0) return false;
    Message m = std::move(messages_[i]);
    messages_.erase(messages_.begin() + static_cast<std::ptrdiff_t>(i));
    ids_.erase(id);
    if (hasSeq(seq)) {
        // The server copy is already there under another id: should not happen, but never show it twice.
        touch();
        return true;
    }
    m.seq = seq;
    if (timeMs > 0) m.timeMs = timeMs;
    m.delivery = Delivery::Sent;
    m.errorCode.clear();
    m.error.clear();
    insertAcked(std::move(m));
    touch();
    return true;
}

bool ChatStore::markFailed(const std::string& id, const std::string& code, const std::string& reason) {
    const std::size_t i = indexOf(id);
    if (i >= messages_.size() || i < acked_) return false;
    Message& m = messages_[i];
    if (m.delivery == Delivery::Failed && m.errorCode == code && m.error == reason) return false;
    m.delivery = Delivery::Failed;
    m.errorCode = code;
    m.error = reason;
    touch();
    return true;
}

bool ChatStore::markPending(const std::string& id) {
    const std::size_t i = indexOf(id);
    if (i >= messages_.size() || i < acked_ || messages_[i].delivery == Delivery::Pending) return false;
    messages_[i].delivery = Delivery::Pending;
    messages_[i].errorCode.clear();
    messages_[i].error.clear();
    touch();
    return true;
}

bool ChatStore::removeUnacked(const std::string& id) {
    const std::size_t i = indexOf(id);
    if (i >= messages_.size() || i < acked_) return false;
    messages_.erase(messages_.begin() + static_cast<std::ptrdiff_t>(i));
    ids_.erase(id);
    touch();
    return true;
}

int ChatStore::prependHistory(const HistoryPage& page) {
    const int added = mergeMessages(page.messages);
    if (hasMore_ != page.hasMore || !historyLoaded_) {
        hasMore_ = page.hasMore;
        historyLoaded_ = true;
        touch();
    }
    return added;
}

int ChatStore::mergeMessages(const std::vector<Message>& messages) {
    int added = 0;
    for (const Message& m : messages) {
        const Merge r = addServerMessage(m);
        if (r == Merge::Added || r == Merge::Confirmed) ++added;
    }
    return added;
}

void ChatStore::clearConversation() {
    if (acked_ == 0 && !hasMore_ && !historyLoaded_ && readSeq_ == 0) return;
    for (std::size_t i = 0; i < acked_; ++i) ids_.erase(messages_[i].id);
    messages_.erase(messages_.begin(), messages_.begin() + static_cast<std::ptrdiff_t>(acked_));
    acked_ = 0;
    hasMore_ = false;
    historyLoaded_ = false;
    readSeq_ = 0;
    touch();
}

std::int64_t ChatStore::oldestSeq() const {
    return acked_ > 0 ? messages_.front().seq : 0;
}

std::int64_t ChatStore::newestSeq() const {
    return acked_ > 0 ? messages_[acked_ - 1].seq : 0;
}

int ChatStore::unread() const {
    int n = 0;
    for (std::size_t i = acked_; i-- > 0;) {
        const Message& m = messages_[i];
        if (m.seq <= readSeq_ || m.from == Sender::Visitor) break;
        ++n;
    }
    return n;
}

void ChatStore::setReadSeq(std::int64_t seq) {
    if (seq <= readSeq_) return;
    const int before = unread();
    readSeq_ = seq;
    if (unread() != before) touch();
}

bool ChatStore::markAllRead() {
    const int before = unread();
    readSeq_ = std::max(readSeq_, newestSeq());
    if (before == 0) return false;
    touch();
    return true;
}

} // namespace kefu
