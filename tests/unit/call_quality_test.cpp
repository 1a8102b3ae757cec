// The call-quality level the call bar and the console show, from getStats figures.
#include "core/call_quality.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace kefu;

namespace {
CallQuality of(double rtt, double loss, double jitter) {
    return classifyCallQuality(CallStats{rtt, loss, jitter});
}
} // namespace

TEST(CallQuality, LoopbackFiguresAreGood) {
    EXPECT_EQ(of(1, 0, 2), CallQuality::Good);
    EXPECT_EQ(of(249, 1.9, 29.9), CallQuality::Good);
}

TEST(CallQuality, EachFigureAloneCanMakeItFair) {
    EXPECT_EQ(of(250, 0, 0), CallQuality::Fair);
    EXPECT_EQ(of(10, 2, 0), CallQuality::Fair);
    EXPECT_EQ(of(10, 0, 30), CallQuality::Fair);
    EXPECT_EQ(of(499, 7.9, 59.9), CallQuality::Fair);
}

TEST(CallQuality, EachFigureAloneCanMakeItPoor) {
    EXPECT_EQ(of(500, 0, 0), CallQuality::Poor);
    EXPECT_EQ(of(10, 8, 0), CallQuality::Poor);
    EXPECT_EQ(of(10, 0, 60), CallQuality::Poor);
    EXPECT_EQ(of(20, 25, 5), CallQuality::Poor); // heavy loss on a fast path is still a poor call
}

TEST(CallQuality, UnknownFiguresDoNotCount) {
    EXPECT_EQ(of(-1, -1, -1), CallQuality::Unknown);
    EXPECT_EQ(of(-1, -1, 70), CallQuality::Poor);
    EXPECT_EQ(of(40, -1, -1), CallQuality::Good);
    EXPECT_EQ(of(NAN, NAN, NAN), CallQuality::Unknown);
    EXPECT_EQ(of(NAN, 9, NAN), CallQuality::Poor);
    EXPECT_EQ(of(INFINITY, 0, 0), CallQuality::Poor);
}

TEST(CallQuality, WorseShowsAtOnceBetterAfterTwoSamples) {
    int run = 0;
    CallQuality shown = CallQuality::Unknown;
    shown = steadyCallQuality(shown, CallQuality::Good, run);
    EXPECT_EQ(shown, CallQuality::Good);
    shown = steadyCallQuality(shown, CallQuality::Poor, run);
    EXPECT_EQ(shown, CallQuality::Poor);
    shown = steadyCallQuality(shown, CallQuality::Good, run);
    EXPECT_EQ(shown, CallQuality::Poor); // one good sample is not a recovery
    shown = steadyCallQuality(shown, CallQuality::Poor, run);
    EXPECT_EQ(shown, CallQuality::Poor);
    shown = steadyCallQuality(shown, CallQuality::Good, run);
    EXPECT_EQ(shown, CallQuality::Poor); // the run started again
    shown = steadyCallQuality(shown, CallQuality::Fair, run);
    EXPECT_EQ(shown, CallQuality::Fair); // two better samples in a row: the latest shows
    shown = steadyCallQuality(shown, CallQuality::Unknown, run);
    EXPECT_EQ(shown, CallQuality::Fair); // a sample without figures changes nothing
}

TEST(CallQuality, Names) {
    EXPECT_STREQ(toString(CallQuality::Unknown), "unknown");
    EXPECT_STREQ(toString(CallQuality::Good), "good");
    EXPECT_STREQ(toString(CallQuality::Fair), "fair");
    EXPECT_STREQ(toString(CallQuality::Poor), "poor");
}
