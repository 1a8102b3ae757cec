// Callbacks handed to the host (timers, fetch, getUserMedia, RTCPeerConnection promises) may outlive the
// object that issued them. They are wrapped so that they do nothing once their owner is gone.
#pragma once

#include <memory>
#include <utility>

namespace kefu::peerjs {

class AliveToken {
  public:
    std::weak_ptr<char> watch() const { return token_; }

    // Wraps `fn` so that it only runs while this token (its owner) exists.
    template <class F> auto guard(F fn) const {
        return [w = watch(), fn = std::move(fn)](auto&&... args) {
            if (!w.expired()) fn(std::forward<decltype(args)>(args)...);
        };
    }

  private:
    std::shared_ptr<char> token_ = std::make_shared<char>('\0');
};

} // namespace kefu::peerjs
