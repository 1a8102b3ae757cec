#include "core/momentum.hpp"

#include <algorithm>
#include <cmath>

namespace kefu {

void Momentum::press(double tMs) {
    mVelocity = 0;
    mCount = mNext = 0;
    mLastT = tMs;
}

void Momentum::drag(float delta, double tMs) {
    if (!std::isfinite(delta) || !std::isfinite(tMs)) return;
    mSamples[mNext] = Sample{tMs, delta};
    mNext = (mNext + 1) % kSamples;
    mCount = std::min(mCount + 1, kSamples);
    mLastT = tMs;
}

void Momentum::release(double tMs) {
    mVelocity = 0;
    if (!std::isfinite(tMs) || mCount == 0) return;
    // The distance covered by the moves in the last kWindowMs, over the time from the first of them to the
    // release: a finger that stopped before lifting gives a small speed, and no fling.
    double distance = 0, first = tMs;
    for (std::size_t i = 0; i < mCount; ++i) {
        const Sample& s = mSamples[(mNext + kSamples - 1 - i) % kSamples];
        if (tMs - s.t > kWindowMs) break;
        distance += s.delta;
        first = s.t;
    }
    // The earliest move counted ended a segment that started one sample interval before it: at least 8 ms.
    const double span = std::max(8.0, tMs - first + 8.0);
    float v = (float)(distance / span);
    v = std::max(-kMaxVelocity, std::min(kMaxVelocity, v));
    mVelocity = std::fabs(v) >= kMinVelocity ? v : 0;
    mCount = mNext = 0;
    mLastT = tMs;
}

float Momentum::step(double tMs) {
    if (mVelocity == 0) return 0;
    const double dt = std::max(0.0, std::min(tMs - mLastT, 100.0)); // a stalled tab does not jump
    mLastT = tMs;
    // v(t) = v0·e^(−t/τ): the distance over dt is v0·τ·(1 − e^(−dt/τ)).
    const double decay = std::exp(-dt / kTimeConstantMs);
    const float moved = (float)(mVelocity * kTimeConstantMs * (1 - decay));
    mVelocity = (float)(mVelocity * decay);
    if (std::fabs(mVelocity) < kMinVelocity) mVelocity = 0;
    return moved;
}

} // namespace kefu
