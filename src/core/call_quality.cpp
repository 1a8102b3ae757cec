#include "core/call_quality.hpp"

namespace kefu {

namespace {

CallQuality level(double v, double fair, double poor) {
    if (!(v >= 0)) return CallQuality::Unknown; // also NaN
    return v >= poor ? CallQuality::Poor : v >= fair ? CallQuality::Fair : CallQuality::Good;
}

CallQuality worse(CallQuality a, CallQuality b) {
    return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

} // namespace

CallQuality classifyCallQuality(const CallStats& s) {
    CallQuality q = level(s.rttMs, 250, 500);
    q = worse(q, level(s.lossPct, 2, 8));
    return worse(q, level(s.jitterMs, 30, 60));
}

CallQuality steadyCallQuality(CallQuality shown, CallQuality sample, int& betterRun) {
    if (sample == CallQuality::Unknown) return shown;
    if (shown == CallQuality::Unknown || static_cast<int>(sample) >= static_cast<int>(shown)) {
        betterRun = 0;
        return sample;
    }
    if (++betterRun < 2) return shown;
    betterRun = 0;
    return sample;
}

const char* toString(CallQuality q) {
    switch (q) {
    case CallQuality::Good: return "good";
    case CallQuality::Fair: return "fair";
    case CallQuality::Poor: return "poor";
    case CallQuality::Unknown: break;
    }
    return "unknown";
}

} // namespace kefu
