#include <gtest/gtest.h>

#include "core/backoff.hpp"

using namespace kefu;

namespace {
// u = 0.5 exactly: no jitter.
std::uint64_t middle() {
    return std::uint64_t(1) << 63;
}
} // namespace

TEST(Backoff, GrowsByTwoFromAQuarterSecond) {
    Backoff b(middle);
    EXPECT_EQ(b.next(), 250);
    EXPECT_EQ(b.next(), 500);
    EXPECT_EQ(b.next(), 1000);
    EXPECT_EQ(b.next(), 2000);
    EXPECT_EQ(b.next(), 4000);
    EXPECT_EQ(b.next(), 8000);
}

TEST(Backoff, IsCappedAtTenSeconds) {
    Backoff b(middle);
    for (int i = 0; i < 100; ++i) EXPECT_LE(b.next(), 10000);
    EXPECT_EQ(b.next(), 10000);
}

TEST(Backoff, ResetStartsOver) {
    Backoff b(middle);
    b.next();
    b.next();
    b.next();
    b.reset();
    EXPECT_EQ(b.attempts(), 0);
    EXPECT_EQ(b.next(), 250);
}

TEST(Backoff, JitterStaysWithinTwentyPercent) {
    Backoff low([] { return std::uint64_t(0); });
    Backoff high([] { return ~std::uint64_t(0); });
    EXPECT_EQ(low.next(), 200);
    const int h = high.next();
    EXPECT_GE(h, 299);
    EXPECT_LE(h, 300);
    for (int i = 0; i < 5; ++i) {
        low.next();
        high.next();
    }
    EXPECT_EQ(low.next(), 8000); // 10 s cap − 20 %
    EXPECT_LE(high.next(), 10000);
}

TEST(Backoff, DifferentRandomValuesSpreadClients) {
    std::uint64_t x = 0;
    Backoff a([&] { return x += 0x3000000000000000ull; });
    Backoff b([] { return std::uint64_t(0x1000000000000000ull); });
    EXPECT_NE(a.next(), b.next());
}
