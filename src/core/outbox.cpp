#include "core/outbox.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/untrusted_json.hpp"

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
// A saved time: an integer (possibly written as 1.7e12) that fits, else 0.
std::int64_t savedTime(const nlohmann::json& j) {
    if (j.is_number_unsigned())
        return j.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                   ? static_cast<std::int64_t>(j.get<std::uint64_t>())
                   : 0;
    if (j.is_number_integer()) return std::max<std::int64_t>(0, j.get<std::int64_t>());
    if (j.is_number_float()) {
        const double d = j.get<double>();
        if (std::isfinite(d) && d >= 0 && d < 9007199254740992.0) return static_cast<std::int64_t>(d);
    }
    return 0;
}

} // namespace

SavedOutbox parseSavedOutbox(std::string_view text) {
    SavedOutbox out;
    if (text.empty()) return out;
    std::size_t pruned = 0;
    const JsonInput in = parseUntrustedPruned(text, pruned);
    out.dropped = pruned;
    if (!in.value.is_array()) {
        out.error = in.value.is_discarded() ? "saved outbox is not valid JSON" : "saved outbox is not a JSON array";
        return out;
    }
    for (const nlohmann::json& e : in.value) {
        // find() on a non-object is end(): every check below is a type check, nothing can throw.
        const auto id = e.find("id");
        const auto body = e.find("text");
        if (id == e.end() || !id->is_string() || id->get_ref<const std::string&>().empty() || body == e.end() ||
            !body->is_string()) {
            ++out.dropped;
            continue;
        }
        SavedMessage m;
        m.id = id->get<std::string>();
        m.text = body->get<std::string>();
        if (auto t = e.find("time"); t != e.end()) m.timeMs = savedTime(*t);
        if (auto f = e.find("failed"); f != e.end() && f->is_string()) m.failed = f->get<std::string>();
        if (!m.failed.empty())
            if (auto r = e.find("error"); r != e.end() && r->is_string()) m.error = r->get<std::string>();
        out.messages.push_back(std::move(m));
    }
    return out;
}

std::string encodeSavedOutbox(const std::vector<SavedMessage>& messages) {
    if (messages.empty()) return std::string();
    nlohmann::json a = nlohmann::json::array();
    for (const SavedMessage& m : messages) {
        nlohmann::json e = {{"id", m.id}, {"text", m.text}, {"time", m.timeMs}};
        if (!m.failed.empty()) {
            e["failed"] = m.failed;
            if (!m.error.empty()) e["error"] = m.error;
        }
        a.push_back(std::move(e));
    }
    return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

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

int Outbox::flush(std::uint64_t connection, std::int64_t nowMs, int maxWrites,
                  const std::function<void(const OutboxEntry&)>& write) {
    int n = 0;
    // Index loop: `write` may not touch the outbox, but be safe if it grows it.
    for (std::size_t i = 0; i < entries_.size() && n < maxWrites; ++i) {
        OutboxEntry& e = entries_[i];
        if (e.failed || e.writtenOn == connection) continue;
        e.writtenOn = connection;
        e.writtenMs = nowMs;
        ++e.writes;
        ++n;
        const OutboxEntry copy = e;
        write(copy);
    }
    return n;
}

std::size_t Outbox::unwrittenCount(std::uint64_t connection) const {
    return static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(), [&](const OutboxEntry& e) {
        return !e.failed && e.writtenOn != connection;
    }));
}

bool Outbox::unwrite(const std::string& id) {
    OutboxEntry* e = findMutable(id);
    if (!e || e->failed) return false;
    e->writtenOn = 0;
    return true;
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

std::vector<std::string> Outbox::expire(std::uint64_t connection, std::int64_t nowMs, std::int64_t maxAgeMs) {
    std::vector<std::string> ids;
    for (auto& e : entries_) {
        if (!e.failed && connection != 0 && e.writtenOn == connection && e.writtenMs + maxAgeMs <= nowMs) {
            e.failed = true;
            e.errorCode = "timeout";
            e.errorMessage = "not acknowledged in time";
            ids.push_back(e.id);
        }
    }
    return ids;
}

std::int64_t Outbox::oldestWrittenMs(std::uint64_t connection) const {
    std::int64_t oldest = -1;
    for (const auto& e : entries_)
        if (!e.failed && connection != 0 && e.writtenOn == connection && (oldest < 0 || e.writtenMs < oldest))
            oldest = e.writtenMs;
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
