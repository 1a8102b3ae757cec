#include "core/delivery.hpp"

namespace kefu {

const char* toString(Mark m) {
    switch (m) {
    case Mark::None: return "";
    case Mark::Sending: return "sending";
    case Mark::Sent: return "sent";
    case Mark::Read: return "read";
    case Mark::Failed: return "failed";
    }
    return "";
}

std::vector<Mark> deliveryMarks(const std::vector<Message>& msgs, std::int64_t agentReadSeq, std::int64_t nowMs,
                                std::int64_t* wakeAtMs) {
    std::vector<Mark> out(msgs.size(), Mark::None);
    std::int64_t wake = 0;
    bool newest = true; // walking back: the first visitor message met is the newest one
    for (std::size_t i = msgs.size(); i-- > 0;) {
        const Message& m = msgs[i];
        if (m.from != Sender::Visitor) continue;
        if (m.delivery == Delivery::Failed) {
            out[i] = Mark::Failed;
            newest = false;
            continue;
        }
        const bool lastOfRun = i + 1 == msgs.size() || msgs[i + 1].from != Sender::Visitor;
        if (lastOfRun && m.delivery == Delivery::Pending) {
            const std::int64_t due = m.timeMs + kSendingDelayMs;
            if (nowMs >= due)
                out[i] = Mark::Sending;
            else if (wake == 0 || due < wake)
                wake = due;
        } else if (lastOfRun && newest) {
            out[i] = m.seq > 0 && m.seq <= agentReadSeq ? Mark::Read : Mark::Sent;
        }
        newest = false;
    }
    if (wakeAtMs) *wakeAtMs = wake;
    return out;
}

Mark newestMark(const std::vector<Message>& msgs, std::int64_t agentReadSeq, std::int64_t nowMs) {
    const std::vector<Mark> marks = deliveryMarks(msgs, agentReadSeq, nowMs);
    for (std::size_t i = msgs.size(); i-- > 0;)
        if (msgs[i].from == Sender::Visitor) return marks[i];
    return Mark::None;
}

std::size_t unreadDividerAt(const std::vector<Message>& msgs, std::int64_t readSeq) {
    std::size_t at = msgs.size();
    if (readSeq < 0) return at;
    for (std::size_t i = msgs.size(); i-- > 0;) {
        const Message& m = msgs[i];
        if (m.seq == 0) continue; // still on its way: the visitor's own
        if (m.seq <= readSeq || m.from == Sender::Visitor) break;
        at = i;
    }
    return at;
}

std::int64_t annotateMessages(std::vector<MessageView>& views, const std::vector<Message>& msgs, const MarkInput& in,
                              Locale locale) {
    std::int64_t wake = 0;
    const std::vector<Mark> marks = deliveryMarks(msgs, in.agentReadSeq, in.nowMs, &wake);
    const std::size_t divider = unreadDividerAt(msgs, in.dividerReadSeq);
    for (std::size_t i = 0; i < views.size() && i < msgs.size(); ++i) {
        MessageView& v = views[i];
        // A time goes under the last bubble of a group (the panel knows that one), and where the minute
        // changes inside a group: never under each consecutive bubble.
        v.minuteEnds = v.from != 2 && i + 1 < views.size() && views[i + 1].grouped &&
                       formatTime(msgs[i].timeMs, in.tzOffsetMin) != formatTime(msgs[i + 1].timeMs, in.tzOffsetMin);
        const Mark k = marks[i];
        v.mark = k == Mark::Sending ? tr(locale, Key::Sending)
                 : k == Mark::Sent  ? tr(locale, Key::Delivered)
                 : k == Mark::Read  ? tr(locale, Key::ReadByAgent)
                                    : std::string();
        v.divider = i == divider;
    }
    return wake;
}

} // namespace kefu
