// What the visitor sees around their messages besides the text: the delivery mark under their own
// (发送中… only after a short delay, so a fast send never flickers; 已送达; 已读 once the agent's read mark
// covers it), which bubbles carry a time, and where the unread divider goes on reopening.
#pragma once

#include "core/i18n.hpp"
#include "core/message.hpp"
#include "core/view_model.hpp"

#include <cstdint>
#include <vector>

namespace kefu {

enum class Mark { None, Sending, Sent, Read, Failed };
// "", "sending", "sent", "read", "failed" (Kefu.state().delivery)
const char* toString(Mark m);

constexpr int kSendingDelayMs = 600; // a message not acknowledged this long shows 发送中…

// The mark under each message. A run of the visitor's own messages carries one, under its last message:
// 发送中… while that one waits (from kSendingDelayMs after it was sent); 已送达 / 已读 only under the newest
// message of the visitor (older runs need no reminder). Failed messages are always marked.
// `wakeAtMs`: when a waiting message's 发送中… is due (redraw then); 0 when none is.
std::vector<Mark> deliveryMarks(const std::vector<Message>& msgs, std::int64_t agentReadSeq, std::int64_t nowMs,
                                std::int64_t* wakeAtMs = nullptr);

// The mark under the visitor's newest message, None if they sent nothing (or it is not yet due).
Mark newestMark(const std::vector<Message>& msgs, std::int64_t agentReadSeq, std::int64_t nowMs);

// Where the unread divider goes: the first of the agent's (and system) messages after `readSeq` at the end of
// the conversation, as ChatStore::unread() counts them; msgs.size() for none (readSeq < 0: none).
std::size_t unreadDividerAt(const std::vector<Message>& msgs, std::int64_t readSeq);

struct MarkInput {
    std::int64_t agentReadSeq = 0;
    std::int64_t nowMs = 0;
    std::int64_t dividerReadSeq = -1; // the visitor's read mark when the panel was opened; -1: no divider
    int tzOffsetMin = 0;
};

// Fills minuteEnds, mark and divider of `views` (one per message, `grouped` already set). Returns wakeAtMs.
std::int64_t annotateMessages(std::vector<MessageView>& views, const std::vector<Message>& msgs, const MarkInput& in,
                              Locale locale);

} // namespace kefu
