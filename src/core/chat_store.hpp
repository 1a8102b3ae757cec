// The conversation as the visitor sees it. Acknowledged messages are ordered by the server's seq; the
// visitor's own messages that are not acknowledged yet (pending or failed) follow them in send order.
// A message is identified by its id, so the same message arriving by fan-out, by history and by ack is
// shown once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/message.hpp"
#include "core/protocol.hpp"

namespace kefu {

class ChatStore {
  public:
    enum class Merge {
        Added,     // a message not seen before
        Confirmed, // one of our pending messages, now acknowledged by its server copy
        Duplicate, // already there: nothing changed
        Rejected,  // no seq: server messages must have one
    };

    // A message from the server (fan-out, own message from another tab, history entry).
    Merge addServerMessage(Message m);
    // One of the visitor's own messages, not yet acknowledged. Ignored if the id is already present.
    bool addPending(Message m);

    // The server stored our message `id` as `seq`. False if nothing changed (unknown id, duplicate ack).
    bool applyAck(const std::string& id, std::int64_t seq, std::int64_t timeMs);
    // A pending message could not be delivered. False if `id` is not an unacknowledged message.
    bool markFailed(const std::string& id, const std::string& code, const std::string& reason);
    // A failed message is being sent again.
    bool markPending(const std::string& id);
    // Removes an unacknowledged message (the visitor discarded a failed one).
    bool removeUnacked(const std::string& id);

    // Merges a page of history (oldest first) and takes its hasMore as the answer to "is there anything
    // older". Returns the number of messages that were new.
    int prependHistory(const HistoryPage& page);
    // Merges newer messages (catch-up after a reconnect) without touching hasMoreHistory.
    int mergeMessages(const std::vector<Message>& messages);

    // Forgets the acknowledged conversation (the visitor identity changed); unacknowledged messages stay.
    void clearConversation();

    const std::vector<Message>& messages() const { return messages_; }
    const Message* find(const std::string& id) const;
    std::size_t size() const { return messages_.size(); }
    bool empty() const { return messages_.empty(); }
    std::size_t ackedCount() const { return acked_; }

    bool hasMoreHistory() const { return hasMore_; }
    bool historyLoaded() const { return historyLoaded_; }
    std::int64_t oldestSeq() const; // 0 when nothing is acknowledged
    std::int64_t newestSeq() const; // 0 when nothing is acknowledged

    // Agent and system messages after the read mark. A message the visitor sent implies everything before
    // it was seen.
    int unread() const;
    std::int64_t readSeq() const { return readSeq_; }
    // Restores a read mark saved earlier; it never moves backwards.
    void setReadSeq(std::int64_t seq);
    // Everything acknowledged so far is read. True if the unread count changed.
    bool markAllRead();

    // Increments on every visible change: the UI redraws only when it moved.
    std::uint64_t revision() const { return revision_; }

  private:
    Message* findMutable(const std::string& id);
    std::size_t indexOf(const std::string& id) const; // messages_.size() when absent
    bool hasSeq(std::int64_t seq) const;
    void insertAcked(Message m);
    void touch() { ++revision_; }

    std::vector<Message> messages_;
    std::size_t acked_ = 0; // messages_[0, acked_) are acknowledged, sorted by seq
    std::unordered_set<std::string> ids_;
    bool hasMore_ = false;
    bool historyLoaded_ = false;
    std::int64_t readSeq_ = 0;
    std::uint64_t revision_ = 0;
};

} // namespace kefu
