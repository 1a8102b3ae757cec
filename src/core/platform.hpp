// Interfaces the core needs from its host. The browser bridge (src/web) implements them over
// setTimeout, WebSocket and fetch; unit tests implement them with a manual clock and in-memory fakes.
// Everything is single-threaded: callbacks run on the caller's thread, never re-entrantly from send().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace kefu {

using TimerId = std::uint64_t;

class Scheduler {
  public:
    virtual ~Scheduler() = default;
    virtual std::int64_t nowMs() const = 0; // wall clock, ms since the Unix epoch
    virtual TimerId after(int delayMs, std::function<void()> fn) = 0;
    virtual void cancel(TimerId id) = 0; // cancelling an unknown or fired id is a no-op
};

// A WebSocket-like text channel. One object per connection attempt.
class Socket {
  public:
    virtual ~Socket() = default;
    virtual void send(const std::string& text) = 0;
    virtual void close() = 0; // no further callbacks after close()
};

struct SocketCallbacks {
    std::function<void()> onOpen;
    std::function<void(const std::string&)> onMessage;
    std::function<void(int code)> onClose; // also called when the connection attempt fails
};

using SocketFactory = std::function<std::unique_ptr<Socket>(const std::string& url, SocketCallbacks)>;

struct HttpResponse {
    int status = 0; // 0 = network error
    std::string body;
};

// JSON HTTP. `bearer` may be empty. The callback runs exactly once.
using HttpFn = std::function<void(const std::string& method, const std::string& url, const std::string& body,
                                  const std::string& bearer, std::function<void(HttpResponse)> done)>;

} // namespace kefu
