// Inertial (momentum) scrolling for touch: a flick keeps the list moving after the finger lifts and slows
// down exponentially, as native lists do on phones. Fed with the finger's positions while it drags; after
// the release step() gives how far to scroll each frame until the speed falls below a pixel per frame.
// Plain data in, plain data out (times in ms, distances in any unit, "px" below), so it is tested natively.
#pragma once

#include <cstddef>

namespace kefu {

class Momentum {
  public:
    // The finger touched: any fling stops at once, and a new drag starts.
    void press(double tMs);
    // The finger moved the content by `delta` (positive scrolls down) at `tMs`.
    void drag(float delta, double tMs);
    // The finger lifted at `tMs`: the speed of its last ~100 ms becomes the fling's, unless it had stopped.
    void release(double tMs);
    void stop() { mVelocity = 0; }
    // How far to scroll for the time since the last step (or the release); 0 once it has stopped.
    float step(double tMs);
    bool moving() const { return mVelocity != 0; }
    float velocity() const { return mVelocity; } // px per ms

    static constexpr double kTimeConstantMs = 325; // e-folding time of the slow-down (iOS-like)
    static constexpr double kWindowMs = 100;       // finger moves that set the speed
    static constexpr float kMinVelocity = 0.02f;   // px/ms (about 1/3 px per frame): stop below this
    static constexpr float kMaxVelocity = 8;       // px/ms: a hostile or glitched sample cannot fling forever

  private:
    struct Sample {
        double t = 0;
        float delta = 0;
    };
    static constexpr std::size_t kSamples = 8;
    Sample mSamples[kSamples];
    std::size_t mCount = 0, mNext = 0;
    float mVelocity = 0;
    double mLastT = 0;
};

} // namespace kefu
