#include "core/outbox.hpp"

#include <algorithm>

namespace kefu {

namespace {
std::string base36(std::uint64_t v) {
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string s;
    do {
        s.push_back(digits[v % 36]);
        v /= 36;
    } while (v != 0);
    std::reverse(s.begin(), s.end());
    return s;
}
} // namespace

std::string newClientId(std::int64_t nowMs, const RandomFn& random) {
    const std::uint64_t r = random ? random() : 0;
    // 52 random bits keep ids short; with the millisecond prefix collisions are practically impossible.
    return "m_" + base36(static_cast<std::uint64_t>(std::max<std::int64_t>(nowMs, 0))) +
           base36(r & ((std::uint64_t(1) << 52) - 1));
}

OutboxEntry* Outbox::findMutable(const std::string& id) {
    for (auto& e : entries_)
        if (e.id == id) return &e;
    return nullptr;
}

const OutboxEntry* Outbox::find(const std::string& id) const {
    for (const auto& e : entries_)
        if (e.id == id) return &e;
    return nullptr;
}

bool Outbox::enqueue(std::string id, std::string text, std::int64_t nowMs) {
    if (id.empty() || find(id)) return false;
    OutboxEntry e;
    e.id = std::move(id);
    e.text = std::move(text);
    e.queuedMs = nowMs;
    entries_.push_back(std::move(e));
    return true;
}

int Outbox::flush(std::uint64_t connection, const std::function<void(const OutboxEntry&)>& write) {
    int n = 0;
    // Index loop: `write` may not touch the outbox, but be safe if it grows it.
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        OutboxEntry& e = entries_[i];
        if (e.failed || e.writtenOn == connection) continue;
        e.writtenOn = connection;
        ++e.writes;
        ++n;
        const OutboxEntry copy = e;
        write(copy);
    }
    return n;
}

bool Outbox::ack(const std::string& id) {
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const OutboxEntry& e) { return e.id == id; });
    if (it == entries_.end()) return false;
    entries_.erase(it);
    return true;
}

bool Outbox::fail(const std::string& id, std::string code, std::string message) {
    OutboxEntry* e = findMutable(id);
    if (!e || e->failed) return false;
    e->failed = true;
    e->errorCode = std::move(code);
    e->errorMessage = std::move(message);
    return true;
}

bool Outbox::retry(const std::string& id, std::int64_t nowMs) {
    OutboxEntry* e = findMutable(id);
    if (!e || !e->failed) return false;
    e->failed = false;
    e->errorCode.clear();
    e->errorMessage.clear();
    e->queuedMs = nowMs;
    e->writtenOn = 0;
    return true;
}

bool Outbox::remove(const std::string& id) {
    return ack(id);
}

std::vector<std::string> Outbox::expire(std::int64_t nowMs, std::int64_t maxAgeMs) {
    std::vector<std::string> ids;
    for (auto& e : entries_) {
        if (!e.failed && e.queuedMs + maxAgeMs <= nowMs) {
            e.failed = true;
            e.errorCode = "timeout";
            e.errorMessage = "not acknowledged in time";
            ids.push_back(e.id);
        }
    }
    return ids;
}

std::int64_t Outbox::oldestLiveQueuedMs() const {
    std::int64_t oldest = -1;
    for (const auto& e : entries_)
        if (!e.failed && (oldest < 0 || e.queuedMs < oldest)) oldest = e.queuedMs;
    return oldest;
}

std::vector<std::string> Outbox::failAll(const std::string& code, const std::string& message) {
    std::vector<std::string> ids;
    for (auto& e : entries_) {
        if (!e.failed) {
            e.failed = true;
            e.errorCode = code;
            e.errorMessage = message;
            ids.push_back(e.id);
        }
    }
    return ids;
}

std::size_t Outbox::liveCount() const {
    return static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(), [](const OutboxEntry& e) { return !e.failed; }));
}

} // namespace kefu
