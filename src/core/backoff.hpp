// Reconnect delays: exponential with a cap and jitter, so that many widgets whose server restarted do not
// all come back in the same millisecond.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>

namespace kefu {

class Backoff {
  public:
    struct Options {
        int initialMs = 250;
        double factor = 2.0;
        int capMs = 10000;
        double jitter = 0.2; // ± fraction of the delay
    };

    explicit Backoff(std::function<std::uint64_t()> random) : Backoff(std::move(random), Options()) {}
    Backoff(std::function<std::uint64_t()> random, Options options) : random_(std::move(random)), options_(options) {}

    // The delay before the next attempt; each call grows it until the cap.
    int next() {
        double base = options_.initialMs;
        for (int i = 0; i < attempts_ && base < options_.capMs; ++i) base *= options_.factor;
        base = std::min<double>(base, options_.capMs);
        ++attempts_;
        // u in [0, 1) from the top 53 bits of the random source.
        const double u = random_ ? static_cast<double>(random_() >> 11) / 9007199254740992.0 : 0.5;
        const double delay = base * (1.0 + options_.jitter * (2.0 * u - 1.0));
        return std::max(0, std::min(options_.capMs, static_cast<int>(delay)));
    }

    // A connection succeeded: the next failure starts over from the initial delay.
    void reset() { attempts_ = 0; }
    int attempts() const { return attempts_; }

  private:
    std::function<std::uint64_t()> random_;
    Options options_;
    int attempts_ = 0;
};

} // namespace kefu
