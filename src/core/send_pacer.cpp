#include "core/send_pacer.hpp"

#include <algorithm>

namespace kefu {

void SendPacer::setLimit(int perWindow, int windowMs) {
    perWindow_ = perWindow;
    windowMs_ = windowMs;
}

void SendPacer::prune(std::int64_t nowMs) {
    while (!writes_.empty() && writes_.front() + spanMs() <= nowMs) writes_.pop_front();
}

int SendPacer::budget(std::int64_t nowMs) {
    if (nowMs < pausedUntil_) return 0;
    if (perWindow_ <= 0 || windowMs_ <= 0) return 1 << 20;
    prune(nowMs);
    return std::max(0, perWindow_ - static_cast<int>(writes_.size()));
}

void SendPacer::wrote(std::int64_t nowMs) {
    if (perWindow_ <= 0 || windowMs_ <= 0) return;
    writes_.push_back(nowMs);
    prune(nowMs);
}

void SendPacer::pause(std::int64_t nowMs) {
    pausedUntil_ = std::max(pausedUntil_, nowMs + std::max<std::int64_t>(windowMs_, 1000));
}

std::int64_t SendPacer::waitMs(std::int64_t nowMs) {
    if (budget(nowMs) > 0) return 0;
    std::int64_t until = pausedUntil_;
    if (perWindow_ > 0 && windowMs_ > 0 && static_cast<int>(writes_.size()) >= perWindow_) {
        // The oldest write that must leave the span for one more to fit.
        const std::size_t k = writes_.size() - static_cast<std::size_t>(perWindow_);
        until = std::max(until, writes_[k] + spanMs());
    }
    return std::max<std::int64_t>(1, until - nowMs);
}

} // namespace kefu
