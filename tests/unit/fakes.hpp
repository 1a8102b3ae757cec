// Test doubles for platform.hpp: a scheduler with a manual clock, sockets that record what was sent and let
// the test play the server, and an HTTP function whose requests the test answers explicitly.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/platform.hpp"

namespace kefu::test {

class FakeScheduler : public Scheduler {
  public:
    explicit FakeScheduler(std::int64_t startMs = 1'700'000'000'000) : now_(startMs) {}

    std::int64_t nowMs() const override { return now_; }
    TimerId after(int delayMs, std::function<void()> fn) override {
        const TimerId id = ++nextId_;
        timers_[id] = Timer{now_ + std::max(0, delayMs), nextOrder_++, std::move(fn)};
        return id;
    }
    void cancel(TimerId id) override { timers_.erase(id); }

    // Moves the clock forward, running every timer that falls due (in due order, including timers scheduled
    // by the ones that run) at its own time.
    void advance(std::int64_t ms) {
        const std::int64_t target = now_ + std::max<std::int64_t>(0, ms);
        while (runNext(target)) {
        }
        now_ = target;
    }
    // Runs what is due right now (zero-delay timers).
    void runDue() { advance(0); }
    std::size_t pending() const { return timers_.size(); }
    // Delay until the next timer, or -1 when none is armed.
    std::int64_t nextDueIn() const {
        std::int64_t best = -1;
        for (const auto& t : timers_)
            if (best < 0 || t.second.due - now_ < best) best = t.second.due - now_;
        return best;
    }

  private:
    struct Timer {
        std::int64_t due;
        std::uint64_t order;
        std::function<void()> fn;
    };
    bool runNext(std::int64_t target) {
        auto next = timers_.end();
        for (auto it = timers_.begin(); it != timers_.end(); ++it) {
            if (it->second.due > target) continue;
            if (next == timers_.end() || it->second.due < next->second.due ||
                (it->second.due == next->second.due && it->second.order < next->second.order))
                next = it;
        }
        if (next == timers_.end()) return false;
        now_ = std::max(now_, next->second.due);
        std::function<void()> fn = std::move(next->second.fn);
        timers_.erase(next);
        fn();
        return true;
    }

    std::int64_t now_;
    TimerId nextId_ = 0;
    std::uint64_t nextOrder_ = 0;
    std::map<TimerId, Timer> timers_;
};

// One connection attempt, as the test (the "server") sees it. Outlives the Socket object.
struct FakeConnection {
    std::string url;
    SocketCallbacks callbacks;
    std::vector<std::string> sent; // frames the client sent, in order
    bool open = false;
    bool closedByClient = false;
    bool closedByServer = false;
    bool destroyed = false;

    bool live() const { return !closedByClient && !closedByServer; }

    // Server side actions; ignored once either side closed (no callbacks after close()).
    void accept() {
        if (!live() || open) return;
        open = true;
        if (callbacks.onOpen) callbacks.onOpen();
    }
    void receive(const std::string& frame) {
        if (live() && callbacks.onMessage) callbacks.onMessage(frame);
    }
    void drop(int code = 1006) {
        if (!live()) return;
        closedByServer = true;
        open = false;
        if (callbacks.onClose) callbacks.onClose(code);
    }
};

class FakeSocketHub {
  public:
    class FakeSocket : public Socket {
      public:
        explicit FakeSocket(std::shared_ptr<FakeConnection> c) : c_(std::move(c)) {}
        ~FakeSocket() override { c_->destroyed = true; }
        void send(const std::string& text) override {
            if (c_->live()) c_->sent.push_back(text);
        }
        void close() override {
            c_->closedByClient = true;
            c_->open = false;
        }

      private:
        std::shared_ptr<FakeConnection> c_;
    };

    SocketFactory factory() {
        return [this](const std::string& url, SocketCallbacks cb) -> std::unique_ptr<Socket> {
            auto c = std::make_shared<FakeConnection>();
            c->url = url;
            c->callbacks = std::move(cb);
            connections.push_back(c);
            if (onConnect) onConnect(*c);
            return std::make_unique<FakeSocket>(c);
        };
    }

    FakeConnection& last() { return *connections.back(); }
    std::size_t count() const { return connections.size(); }

    std::vector<std::shared_ptr<FakeConnection>> connections;
    // Runs inside the factory, e.g. to fail a connection attempt synchronously.
    std::function<void(FakeConnection&)> onConnect;
};

struct FakeRequest {
    std::string method;
    std::string url;
    std::string body;
    std::string bearer;
    std::function<void(HttpResponse)> done;
    bool answered = false;

    bool matches(const std::string& m, const std::string& urlPart) const {
        return (m.empty() || method == m) && url.find(urlPart) != std::string::npos;
    }
};

class FakeHttp {
  public:
    HttpFn fn() {
        return [this](const std::string& method, const std::string& url, const std::string& body,
                      const std::string& bearer, std::function<void(HttpResponse)> done) {
            auto r = std::make_shared<FakeRequest>();
            r->method = method;
            r->url = url;
            r->body = body;
            r->bearer = bearer;
            r->done = std::move(done);
            requests.push_back(r);
        };
    }

    // The first unanswered request with this method whose URL contains `urlPart`, or null.
    FakeRequest* find(const std::string& method, const std::string& urlPart) {
        for (auto& r : requests)
            if (!r->answered && r->matches(method, urlPart)) return r.get();
        return nullptr;
    }
    // Answers that request; false if there is none.
    bool reply(const std::string& method, const std::string& urlPart, int status, const std::string& body) {
        FakeRequest* r = find(method, urlPart);
        if (!r) return false;
        r->answered = true;
        r->done(HttpResponse{status, body});
        return true;
    }
    std::size_t pendingCount() const {
        return static_cast<std::size_t>(
            std::count_if(requests.begin(), requests.end(), [](const auto& r) { return !r->answered; }));
    }
    std::size_t countOf(const std::string& method, const std::string& urlPart) const {
        return static_cast<std::size_t>(std::count_if(requests.begin(), requests.end(),
                                                      [&](const auto& r) { return r->matches(method, urlPart); }));
    }

    std::vector<std::shared_ptr<FakeRequest>> requests;
};

// Deterministic "random" numbers.
inline std::function<std::uint64_t()> sequenceRandom(std::uint64_t seed = 1) {
    auto state = std::make_shared<std::uint64_t>(seed);
    return [state] {
        // splitmix64
        std::uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
}

} // namespace kefu::test
