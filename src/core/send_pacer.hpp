// Keeps the visitor's message writes within the server's announced rate (limits.messagesPerWindow per
// limits.rateWindowMs in /api/config), so that an outbox filled during an outage drains without refusals.
// The server counts a message when it arrives, which can be later and closer together than when it was
// written (a stalled connection delivers a burst), so the window used here is a little longer than the
// server's. A refusal for the rate anyway (another tab, an earlier page) pauses writing for one window.
#pragma once

#include <cstdint>
#include <deque>

namespace kefu {

class SendPacer {
  public:
    // perWindow <= 0 or windowMs <= 0: no limit.
    void setLimit(int perWindow, int windowMs);
    // How many messages may be written at `nowMs`.
    int budget(std::int64_t nowMs);
    void wrote(std::int64_t nowMs);
    // The server refused a message for the rate: nothing more until one whole window has passed.
    void pause(std::int64_t nowMs);
    // Milliseconds from `nowMs` until budget() is positive again (0 if it already is).
    std::int64_t waitMs(std::int64_t nowMs);
    std::int64_t windowMs() const { return windowMs_; }

  private:
    void prune(std::int64_t nowMs);
    std::int64_t spanMs() const { return windowMs_ + windowMs_ / 10 + 200; }

    int perWindow_ = 20;
    std::int64_t windowMs_ = 10000;
    std::int64_t pausedUntil_ = 0;
    std::deque<std::int64_t> writes_; // times of the writes within the last span, oldest first
};

} // namespace kefu
