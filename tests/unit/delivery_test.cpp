// The marks around the visitor's messages (core/delivery.hpp): 发送中… only after a delay, 已送达, 已读 under
// the newest message of a run, the time only where it tells something, the unread divider.
#include "core/delivery.hpp"

#include <gtest/gtest.h>

namespace kefu {
namespace {

Message msg(const char* id, Sender from, std::int64_t seq, std::int64_t timeMs = 1000, Delivery d = Delivery::Sent) {
    Message m;
    m.id = id;
    m.from = from;
    m.seq = seq;
    m.timeMs = timeMs;
    m.delivery = d;
    m.text = id;
    return m;
}

TEST(DeliveryMarks, AFastSendShowsNothingUntilTheDelayThenSending) {
    const std::vector<Message> v = {msg("a", Sender::Visitor, 0, 10000, Delivery::Pending)};
    std::int64_t wake = -1;
    EXPECT_EQ(deliveryMarks(v, 0, 10000, &wake)[0], Mark::None);
    EXPECT_EQ(wake, 10000 + kSendingDelayMs);
    EXPECT_EQ(deliveryMarks(v, 0, 10000 + kSendingDelayMs - 1)[0], Mark::None);
    EXPECT_EQ(deliveryMarks(v, 0, 10000 + kSendingDelayMs, &wake)[0], Mark::Sending);
    EXPECT_EQ(wake, 0);
}

TEST(DeliveryMarks, SentThenReadOnceTheAgentsMarkCoversIt) {
    const std::vector<Message> v = {msg("a", Sender::Agent, 1), msg("b", Sender::Visitor, 2)};
    EXPECT_EQ(deliveryMarks(v, 0, 5000)[1], Mark::Sent);
    EXPECT_EQ(deliveryMarks(v, 1, 5000)[1], Mark::Sent);
    EXPECT_EQ(deliveryMarks(v, 2, 5000)[1], Mark::Read);
    EXPECT_EQ(deliveryMarks(v, 9, 5000)[0], Mark::None); // never under the agent's
    EXPECT_EQ(newestMark(v, 2, 5000), Mark::Read);
    EXPECT_EQ(toString(newestMark(v, 0, 5000)), std::string("sent"));
}

TEST(DeliveryMarks, OnlyUnderTheLastOfARunAndOnlyTheNewestRunSaysSentOrRead) {
    const std::vector<Message> v = {msg("v1", Sender::Visitor, 1), msg("v2", Sender::Visitor, 2),
                                    msg("a", Sender::Agent, 3), msg("v3", Sender::Visitor, 4),
                                    msg("v4", Sender::Visitor, 5)};
    const std::vector<Mark> m = deliveryMarks(v, 5, 9000);
    EXPECT_EQ(m, (std::vector<Mark>{Mark::None, Mark::None, Mark::None, Mark::None, Mark::Read}));
}

TEST(DeliveryMarks, AnOlderRunStillWaitingSaysSendingAndAFailedOneIsMarked) {
    const std::vector<Message> v = {msg("v1", Sender::Visitor, 0, 100, Delivery::Failed), msg("a", Sender::Agent, 3),
                                    msg("v2", Sender::Visitor, 0, 100, Delivery::Pending), msg("s", Sender::System, 4),
                                    msg("v3", Sender::Visitor, 5)};
    const std::vector<Mark> m = deliveryMarks(v, 0, 5000);
    EXPECT_EQ(m, (std::vector<Mark>{Mark::Failed, Mark::None, Mark::Sending, Mark::None, Mark::Sent}));
    const std::vector<Message> last = {msg("v1", Sender::Visitor, 1),
                                       msg("v2", Sender::Visitor, 0, 100, Delivery::Failed)};
    EXPECT_EQ(newestMark(last, 1, 5000), Mark::Failed);
    EXPECT_EQ(deliveryMarks(last, 1, 5000)[0], Mark::None);
    EXPECT_EQ(newestMark({msg("a", Sender::Agent, 1)}, 1, 5000), Mark::None);
}

TEST(UnreadDivider, AboveTheFirstUnreadReplyAtTheEnd) {
    const std::vector<Message> v = {msg("v1", Sender::Visitor, 1), msg("a1", Sender::Agent, 2),
                                    msg("a2", Sender::Agent, 3), msg("a3", Sender::Agent, 4)};
    EXPECT_EQ(unreadDividerAt(v, 2), 2u);
    EXPECT_EQ(unreadDividerAt(v, 1), 1u);
    EXPECT_EQ(unreadDividerAt(v, 4), v.size());  // all read
    EXPECT_EQ(unreadDividerAt(v, -1), v.size()); // none asked for
    // The visitor's own message after them means they were seen.
    std::vector<Message> w = v;
    w.push_back(msg("v2", Sender::Visitor, 5));
    EXPECT_EQ(unreadDividerAt(w, 2), w.size());
    // One still on its way is not in the count.
    w.back() = msg("v2", Sender::Visitor, 0, 1000, Delivery::Pending);
    EXPECT_EQ(unreadDividerAt(w, 2), 2u);
}

TEST(AnnotateMessages, TimeWhereTheMinuteChangesInsideAGroupAndLocalizedMarks) {
    // 14:00:10, 14:00:40, 14:01:20 from the visitor, one group: a time under the 2nd (minute ends) and the
    // 3rd (end of the group, the panel's own rule), not under the 1st.
    const std::int64_t t0 = 14 * 3600 * 1000LL + 10000;
    std::vector<Message> msgs = {msg("v1", Sender::Visitor, 1, t0), msg("v2", Sender::Visitor, 2, t0 + 30000),
                                 msg("v3", Sender::Visitor, 3, t0 + 70000)};
    std::vector<MessageView> views(3);
    for (std::size_t i = 0; i < 3; ++i) {
        views[i].id = msgs[i].id;
        views[i].from = 0;
        views[i].grouped = i > 0;
    }
    MarkInput in;
    in.agentReadSeq = 3;
    in.nowMs = t0 + 90000;
    annotateMessages(views, msgs, in, Locale::ZhCN);
    EXPECT_FALSE(views[0].minuteEnds);
    EXPECT_TRUE(views[1].minuteEnds);
    EXPECT_FALSE(views[2].minuteEnds);
    EXPECT_EQ(views[2].mark, "已读");
    EXPECT_EQ(views[0].mark, "");
    in.agentReadSeq = 0;
    annotateMessages(views, msgs, in, Locale::En);
    EXPECT_EQ(views[2].mark, "Sent");
    msgs[2] = msg("v3", Sender::Visitor, 0, in.nowMs - kSendingDelayMs, Delivery::Pending);
    annotateMessages(views, msgs, in, Locale::ZhCN);
    EXPECT_EQ(views[2].mark, "发送中…");
    EXPECT_FALSE(views[0].divider || views[1].divider || views[2].divider);
}

TEST(AnnotateMessages, DividerOnTheFirstUnread) {
    std::vector<Message> msgs = {msg("v1", Sender::Visitor, 1), msg("a1", Sender::Agent, 2)};
    std::vector<MessageView> views(2);
    views[1].from = 1;
    MarkInput in;
    in.dividerReadSeq = 1;
    annotateMessages(views, msgs, in, Locale::En);
    EXPECT_FALSE(views[0].divider);
    EXPECT_TRUE(views[1].divider);
}

} // namespace
} // namespace kefu
