#include <gtest/gtest.h>

#include "core/chat_store.hpp"

using namespace kefu;

namespace {

Message server(const std::string& id, std::int64_t seq, Sender from = Sender::Agent, std::string text = "x") {
    Message m;
    m.id = id;
    m.seq = seq;
    m.from = from;
    m.text = std::move(text);
    m.timeMs = 1000 * seq;
    return m;
}

Message own(const std::string& id, std::string text = "mine") {
    Message m;
    m.id = id;
    m.from = Sender::Visitor;
    m.text = std::move(text);
    m.timeMs = 99;
    return m;
}

std::vector<std::string> ids(const ChatStore& s) {
    std::vector<std::string> out;
    for (const auto& m : s.messages()) out.push_back(m.id);
    return out;
}

HistoryPage page(std::vector<Message> ms, bool hasMore) {
    HistoryPage p;
    p.messages = std::move(ms);
    p.hasMore = hasMore;
    return p;
}

} // namespace

TEST(ChatStore, OrdersBySeqWhateverTheArrivalOrder) {
    ChatStore s;
    s.addServerMessage(server("c", 3));
    s.addServerMessage(server("a", 1));
    s.addServerMessage(server("b", 2));
    EXPECT_EQ(ids(s), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(s.oldestSeq(), 1);
    EXPECT_EQ(s.newestSeq(), 3);
}

TEST(ChatStore, SameMessageViaFanOutHistoryAndAckAppearsOnce) {
    ChatStore s;
    s.addPending(own("m_1", "hello"));
    // Fan-out copy (e.g. from the server after a reconnect), then history, then the ack itself.
    EXPECT_EQ(s.addServerMessage(server("m_1", 5, Sender::Visitor, "hello")), ChatStore::Merge::Confirmed);
    EXPECT_EQ(s.prependHistory(page({server("m_1", 5, Sender::Visitor, "hello"), server("a_1", 4)}, false)), 1);
    EXPECT_FALSE(s.applyAck("m_1", 5, 5000));
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(ids(s), (std::vector<std::string>{"a_1", "m_1"}));
    EXPECT_EQ(s.find("m_1")->delivery, Delivery::Sent);
    EXPECT_EQ(s.find("m_1")->seq, 5);
}

TEST(ChatStore, AckFirstThenFanOutCopyIsADuplicate) {
    ChatStore s;
    s.addPending(own("m_1"));
    EXPECT_TRUE(s.applyAck("m_1", 2, 2000));
    EXPECT_EQ(s.addServerMessage(server("m_1", 2, Sender::Visitor)), ChatStore::Merge::Duplicate);
    EXPECT_EQ(s.size(), 1u);
}

TEST(ChatStore, PendingMessagesStayAfterAcknowledgedOnesInSendOrder) {
    ChatStore s;
    s.addServerMessage(server("a_1", 1));
    s.addPending(own("m_1"));
    s.addPending(own("m_2"));
    s.addServerMessage(server("a_2", 2)); // the agent replied while ours were in flight
    EXPECT_EQ(ids(s), (std::vector<std::string>{"a_1", "a_2", "m_1", "m_2"}));
    s.applyAck("m_2", 4, 4000); // acks can arrive in any order
    EXPECT_EQ(ids(s), (std::vector<std::string>{"a_1", "a_2", "m_2", "m_1"}));
    EXPECT_EQ(s.find("m_1")->delivery, Delivery::Pending);
    s.applyAck("m_1", 3, 3000);
    EXPECT_EQ(ids(s), (std::vector<std::string>{"a_1", "a_2", "m_1", "m_2"}));
    EXPECT_EQ(s.find("m_1")->timeMs, 3000);
}

TEST(ChatStore, DuplicateSeqOrIdIsIgnored) {
    ChatStore s;
    EXPECT_EQ(s.addServerMessage(server("a", 1)), ChatStore::Merge::Added);
    EXPECT_EQ(s.addServerMessage(server("a", 1)), ChatStore::Merge::Duplicate);
    EXPECT_EQ(s.addServerMessage(server("other", 1)), ChatStore::Merge::Duplicate);
    EXPECT_EQ(s.addServerMessage(server("noseq", 0)), ChatStore::Merge::Rejected);
    EXPECT_FALSE(s.addPending(own("a")));
    EXPECT_EQ(s.size(), 1u);
}

TEST(ChatStore, HistoryPagesPrependAndTrackHasMore) {
    ChatStore s;
    EXPECT_FALSE(s.historyLoaded());
    s.prependHistory(page({server("c", 30), server("d", 40)}, true));
    EXPECT_TRUE(s.historyLoaded());
    EXPECT_TRUE(s.hasMoreHistory());
    EXPECT_EQ(s.oldestSeq(), 30);
    s.prependHistory(page({server("a", 10), server("b", 20)}, false));
    EXPECT_FALSE(s.hasMoreHistory());
    EXPECT_EQ(ids(s), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(ChatStore, FailedMessageKeepsItsReasonUntilRetried) {
    ChatStore s;
    s.addPending(own("m_1"));
    EXPECT_TRUE(s.markFailed("m_1", "too_long", "text is longer than 2000 characters"));
    EXPECT_EQ(s.find("m_1")->delivery, Delivery::Failed);
    EXPECT_EQ(s.find("m_1")->errorCode, "too_long");
    EXPECT_TRUE(s.markPending("m_1"));
    EXPECT_EQ(s.find("m_1")->delivery, Delivery::Pending);
    EXPECT_TRUE(s.find("m_1")->errorCode.empty());
    EXPECT_TRUE(s.removeUnacked("m_1"));
    EXPECT_TRUE(s.empty());
}

TEST(ChatStore, AcknowledgedMessagesCannotFail) {
    ChatStore s;
    s.addServerMessage(server("a", 1, Sender::Visitor));
    EXPECT_FALSE(s.markFailed("a", "x", "y"));
    EXPECT_FALSE(s.removeUnacked("a"));
}

TEST(ChatStore, CountsUnreadAgentAndSystemMessages) {
    ChatStore s;
    s.addServerMessage(server("a1", 1));
    s.addServerMessage(server("s1", 2, Sender::System));
    EXPECT_EQ(s.unread(), 2);
    EXPECT_TRUE(s.markAllRead());
    EXPECT_EQ(s.unread(), 0);
    EXPECT_FALSE(s.markAllRead());
    s.addServerMessage(server("a2", 3));
    EXPECT_EQ(s.unread(), 1);
    EXPECT_EQ(s.readSeq(), 2);
}

TEST(ChatStore, ReplyingImpliesEverythingBeforeWasSeen) {
    ChatStore s;
    s.addServerMessage(server("a1", 1));
    s.addServerMessage(server("a2", 2));
    s.addServerMessage(server("v1", 3, Sender::Visitor));
    EXPECT_EQ(s.unread(), 0);
    s.addServerMessage(server("a3", 4));
    EXPECT_EQ(s.unread(), 1);
    s.addPending(own("m_9")); // pending ones do not count either way
    EXPECT_EQ(s.unread(), 1);
}

TEST(ChatStore, RestoredReadMarkNeverMovesBack) {
    ChatStore s;
    s.prependHistory(page({server("a1", 1), server("a2", 2), server("a3", 3)}, false));
    s.setReadSeq(2);
    EXPECT_EQ(s.unread(), 1);
    s.setReadSeq(1);
    EXPECT_EQ(s.readSeq(), 2);
}

TEST(ChatStore, RevisionMovesOnlyOnVisibleChanges) {
    ChatStore s;
    auto r = s.revision();
    s.addServerMessage(server("a", 1));
    EXPECT_GT(s.revision(), r);
    r = s.revision();
    s.addServerMessage(server("a", 1));
    s.applyAck("unknown", 3, 0);
    s.markFailed("unknown", "x", "y");
    EXPECT_EQ(s.revision(), r);
    s.addPending(own("m"));
    EXPECT_GT(s.revision(), r);
    r = s.revision();
    s.applyAck("m", 2, 0);
    EXPECT_GT(s.revision(), r);
    r = s.revision();
    s.markAllRead(); // replying already implied reading: nothing visible changes
    EXPECT_EQ(s.revision(), r);
    s.addServerMessage(server("b", 3));
    r = s.revision();
    s.markAllRead();
    EXPECT_GT(s.revision(), r);
}

TEST(ChatStore, ClearingTheConversationKeepsUnsentMessages) {
    ChatStore s;
    s.prependHistory(page({server("a1", 1)}, true));
    s.addPending(own("m_1"));
    s.clearConversation();
    EXPECT_EQ(ids(s), std::vector<std::string>{"m_1"});
    EXPECT_FALSE(s.historyLoaded());
    EXPECT_FALSE(s.hasMoreHistory());
    EXPECT_EQ(s.addServerMessage(server("a1", 1)),
              ChatStore::Merge::Added); // a new conversation may reuse ids
}
