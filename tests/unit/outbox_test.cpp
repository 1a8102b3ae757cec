#include <gtest/gtest.h>

#include <set>

#include "core/outbox.hpp"

using namespace kefu;

namespace {
std::vector<std::string> flushIds(Outbox& o, std::uint64_t conn) {
    std::vector<std::string> out;
    o.flush(conn, [&](const OutboxEntry& e) { out.push_back(e.id); });
    return out;
}
} // namespace

TEST(Outbox, FlushesInOrderOncePerConnection) {
    Outbox o;
    o.enqueue("a", "1", 0);
    o.enqueue("b", "2", 0);
    EXPECT_EQ(flushIds(o, 1), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(flushIds(o, 1).empty()); // already on this socket
    o.enqueue("c", "3", 0);
    EXPECT_EQ(flushIds(o, 1), std::vector<std::string>{"c"});
    // New socket: everything unacknowledged goes again (the server dedupes by id).
    EXPECT_EQ(flushIds(o, 2), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Outbox, AckRemovesAndARepeatedAckIsHarmless) {
    Outbox o;
    o.enqueue("a", "1", 0);
    o.enqueue("b", "2", 0);
    EXPECT_TRUE(o.ack("a"));
    EXPECT_FALSE(o.ack("a"));
    EXPECT_FALSE(o.ack("never"));
    EXPECT_EQ(flushIds(o, 1), std::vector<std::string>{"b"});
}

TEST(Outbox, RefusedMessageStaysFailedAndIsNotResent) {
    Outbox o;
    o.enqueue("a", "long", 0);
    o.enqueue("b", "ok", 0);
    flushIds(o, 1);
    EXPECT_TRUE(o.fail("a", "too_long", "text is longer than 2000 characters"));
    ASSERT_NE(o.find("a"), nullptr);
    EXPECT_TRUE(o.find("a")->failed);
    EXPECT_EQ(o.find("a")->errorCode, "too_long");
    EXPECT_EQ(flushIds(o, 2), std::vector<std::string>{"b"});
    EXPECT_EQ(o.size(), 2u);
    EXPECT_EQ(o.liveCount(), 1u);
}

TEST(Outbox, RetryMakesAFailedMessageLiveAgain) {
    Outbox o;
    o.enqueue("a", "x", 0);
    flushIds(o, 1);
    o.fail("a", "rate_limited", "slow down");
    EXPECT_TRUE(o.retry("a", 500));
    EXPECT_FALSE(o.retry("a", 500));
    EXPECT_EQ(flushIds(o, 1), std::vector<std::string>{"a"}); // even on the same socket
    EXPECT_EQ(o.find("a")->writes, 2);
    EXPECT_EQ(o.find("a")->queuedMs, 500);
}

TEST(Outbox, ExpiresOldMessagesInsteadOfRetryingForever) {
    Outbox o;
    o.enqueue("a", "x", 0);
    o.enqueue("b", "y", 30000);
    EXPECT_EQ(o.oldestLiveQueuedMs(), 0);
    EXPECT_TRUE(o.expire(59999, 60000).empty());
    EXPECT_EQ(o.expire(60000, 60000), std::vector<std::string>{"a"});
    EXPECT_EQ(o.find("a")->errorCode, "timeout");
    EXPECT_EQ(o.oldestLiveQueuedMs(), 30000);
    EXPECT_EQ(o.failAll("offline", "gave up"), std::vector<std::string>{"b"});
    EXPECT_EQ(o.oldestLiveQueuedMs(), -1);
    // A late ack still clears a failed entry.
    EXPECT_TRUE(o.ack("a"));
}

TEST(Outbox, RejectsDuplicateIds) {
    Outbox o;
    EXPECT_TRUE(o.enqueue("a", "x", 0));
    EXPECT_FALSE(o.enqueue("a", "y", 0));
    EXPECT_FALSE(o.enqueue("", "y", 0));
    EXPECT_EQ(o.size(), 1u);
}

TEST(ClientId, HasThePrefixAndIsUnique) {
    std::uint64_t n = 0;
    RandomFn random = [&] { return n += 0x9E3779B97F4A7C15ull; };
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string id = newClientId(1764000000000, random);
        EXPECT_EQ(id.rfind("m_", 0), 0u);
        EXPECT_LE(id.size(), 40u);
        for (char c : id.substr(2)) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) << id;
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 1000u);
}
