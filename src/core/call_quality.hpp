// How good a running call's connection is, from the figures getStats gives (both sides use the same
// thresholds: shell/public/agent/quality.js repeats them for the console). A level, not the raw figures,
// is what the caller sees: three bars in the call bar and, when poor, a notice.
#pragma once

namespace kefu {

enum class CallQuality { Unknown, Good, Fair, Poor };

// A figure below zero is not known yet (the first sample has no loss rate, audio has no frame rate).
struct CallStats {
    double rttMs = -1;    // round-trip time of the selected candidate pair
    double lossPct = -1;  // packets lost in the last interval, either direction, in percent
    double jitterMs = -1; // inbound jitter
};

// Thresholds for conversational audio: good below 250 ms round trip, 2 % loss and 30 ms jitter; poor from
// 500 ms, 8 % or 60 ms (speech breaks up and people talk over each other). The worst figure decides.
CallQuality classifyCallQuality(const CallStats& s);

// Steadies the level shown from one sample to the next: a worse level shows at once, a better one only once
// two samples in a row agree (one good second in a bad minute is not a recovered connection).
// `betterRun` carries the count of better samples between calls; start it at 0.
CallQuality steadyCallQuality(CallQuality shown, CallQuality sample, int& betterRun);

const char* toString(CallQuality q); // "unknown", "good", "fair", "poor"

} // namespace kefu
