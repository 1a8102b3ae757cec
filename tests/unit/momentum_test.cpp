#include <gtest/gtest.h>

#include "core/momentum.hpp"

#include <cmath>
#include <limits>

using kefu::Momentum;

namespace {
// A flick: the finger moves `perMove` every 16 ms, `moves` times, then lifts 16 ms after the last move.
Momentum flick(float perMove, int moves = 6) {
    Momentum m;
    m.press(0);
    for (int i = 1; i <= moves; ++i) m.drag(perMove, 16.0 * i);
    m.release(16.0 * moves + 16);
    return m;
}
} // namespace

TEST(Momentum, AFlickKeepsScrollingAndSlowsDownUntilItStops) {
    Momentum m = flick(20); // 20 px per frame: 1.25 px/ms
    ASSERT_TRUE(m.moving());
    EXPECT_NEAR(m.velocity(), 20.0 / 16, 0.3);
    double t = 112;
    float total = 0, last = 1e9f;
    int frames = 0;
    while (m.moving() && frames < 1000) {
        t += 16;
        const float d = m.step(t);
        EXPECT_GT(d, 0);
        EXPECT_LE(d, last); // decelerates
        last = d;
        total += d;
        ++frames;
    }
    EXPECT_FALSE(m.moving());
    EXPECT_LT(frames, 200); // stops within a few seconds
    EXPECT_GT(frames, 30);  // but not at once
    // v0·τ: about 400 px of glide for 1.25 px/ms.
    EXPECT_NEAR(total, m.kTimeConstantMs * 20.0 / 16, 60);
    EXPECT_EQ(m.step(t + 16), 0);
}

TEST(Momentum, UpwardFlicksGlideUpward) {
    Momentum m = flick(-15);
    ASSERT_TRUE(m.moving());
    EXPECT_LT(m.step(128), 0);
}

TEST(Momentum, ATouchStopsTheGlide) {
    Momentum m = flick(20);
    m.step(128);
    m.press(140);
    EXPECT_FALSE(m.moving());
    EXPECT_EQ(m.step(156), 0);
}

TEST(Momentum, AFingerThatStoppedBeforeLiftingDoesNotFling) {
    Momentum m;
    m.press(0);
    for (int i = 1; i <= 6; ++i) m.drag(20, 16.0 * i);
    m.release(96 + 300); // held still for 300 ms
    EXPECT_FALSE(m.moving());
}

TEST(Momentum, ASlowDragDoesNotFling) {
    Momentum m = flick(0.2f);
    EXPECT_FALSE(m.moving());
}

TEST(Momentum, GlitchedSamplesAreBounded) {
    Momentum m;
    m.press(0);
    m.drag(std::numeric_limits<float>::quiet_NaN(), 8);
    m.drag(1e9f, 16);
    m.release(16);
    EXPECT_LE(std::fabs(m.velocity()), Momentum::kMaxVelocity);
    // A long pause between frames (a background tab) moves at most what 100 ms would.
    const float d = m.step(1e7);
    EXPECT_LE(std::fabs(d), Momentum::kMaxVelocity * 100);
    Momentum none;
    none.release(50); // a release without a drag
    EXPECT_FALSE(none.moving());
}
