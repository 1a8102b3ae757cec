#include <gtest/gtest.h>

#include <set>

#include "core/outbox.hpp"

using namespace kefu;

namespace {
std::vector<std::string> flushIds(Outbox& o, std::uint64_t conn) {
    std::vector<std::string> out;
    o.flush(conn, 0, 1000, [&](const OutboxEntry& e) { out.push_back(e.id); });
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

TEST(Outbox, ExpiresOnlyWhatWaitedOnTheLiveConnection) {
    Outbox o;
    o.enqueue("a", "x", 0);
    o.enqueue("b", "y", 0);
    // Queued long ago but never written (offline all along): nothing to expire.
    EXPECT_EQ(o.oldestWrittenMs(1), -1);
    EXPECT_TRUE(o.expire(1, 600000, 60000).empty());
    o.flush(1, 600000, 1, [](const OutboxEntry&) {});
    o.flush(1, 630000, 1, [](const OutboxEntry&) {});
    EXPECT_EQ(o.oldestWrittenMs(1), 600000);
    EXPECT_EQ(o.oldestWrittenMs(2), -1); // written on another socket: its clock is not running here
    EXPECT_TRUE(o.expire(2, 700000, 60000).empty());
    EXPECT_TRUE(o.expire(1, 659999, 60000).empty());
    EXPECT_EQ(o.expire(1, 660000, 60000), std::vector<std::string>{"a"});
    EXPECT_EQ(o.find("a")->errorCode, "timeout");
    EXPECT_EQ(o.oldestWrittenMs(1), 630000);
    EXPECT_EQ(o.failAll("offline", "gave up"), std::vector<std::string>{"b"});
    EXPECT_EQ(o.oldestWrittenMs(1), -1);
    // A late ack still clears a failed entry.
    EXPECT_TRUE(o.ack("a"));
}

TEST(Outbox, FlushWritesAtMostTheBudgetInOrderAndUnwriteResends) {
    Outbox o;
    for (const char* id : {"a", "b", "c", "d"}) o.enqueue(id, id, 0);
    std::vector<std::string> out;
    const auto collect = [&](const OutboxEntry& e) { out.push_back(e.id); };
    EXPECT_EQ(o.flush(1, 0, 2, collect), 2);
    EXPECT_EQ(o.unwrittenCount(1), 2u);
    EXPECT_EQ(o.flush(1, 0, 0, collect), 0);
    // "b" was refused for the rate: it goes again, before "c" and "d".
    EXPECT_TRUE(o.unwrite("b"));
    EXPECT_EQ(o.flush(1, 0, 10, collect), 3);
    EXPECT_EQ(out, (std::vector<std::string>{"a", "b", "b", "c", "d"}));
    EXPECT_EQ(o.unwrittenCount(1), 0u);
    EXPECT_FALSE(o.unwrite("zz"));
}

TEST(SavedOutbox, FailedEntriesKeepTheirReasonAcrossAReload) {
    const std::string json = encodeSavedOutbox(
        {{"m_1", "稍后再发", 1000, "", ""}, {"m_2", "refused", 2000, "timeout", "not acknowledged in time"}});
    const SavedOutbox back = parseSavedOutbox(json);
    ASSERT_EQ(back.messages.size(), 2u);
    EXPECT_EQ(back.messages[0].failed, "");
    EXPECT_EQ(back.messages[1].text, "refused");
    EXPECT_EQ(back.messages[1].failed, "timeout");
    EXPECT_EQ(back.messages[1].error, "not acknowledged in time");
    // Typed reads: a "failed" that is not a string leaves the message to be sent, a bad "error" is empty.
    const SavedOutbox odd = parseSavedOutbox(
        R"([{"id":"a","text":"x","failed":{"deep":[1]}},{"id":"b","text":"y","failed":"offline","error":7}])");
    ASSERT_EQ(odd.messages.size(), 2u);
    EXPECT_EQ(odd.messages[0].failed, "");
    EXPECT_EQ(odd.messages[1].failed, "offline");
    EXPECT_EQ(odd.messages[1].error, "");
    EXPECT_EQ(odd.dropped, 0u);
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
