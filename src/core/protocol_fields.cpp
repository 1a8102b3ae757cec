// JSON field readers and writers shared by the protocol's codecs, and the reader of one chat message.
#include "core/protocol_fields.hpp"

#include <cmath>
#include <limits>

#include "core/text.hpp"
#include "core/untrusted_json.hpp"

namespace kefu::protocol_fields {

json parseJson(std::string_view text, std::string* why) {
    JsonInput in = parseUntrusted(text);
    if (why && in.tooDeep) *why = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return std::move(in.value);
}

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// JSON numbers arrive as signed, unsigned or float; accept any exact integer that fits.
bool toInt64(const json& j, std::int64_t& out) {
    if (j.is_number_unsigned()) {
        const auto u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
        out = static_cast<std::int64_t>(u);
        return true;
    }
    if (j.is_number_integer()) {
        out = j.get<std::int64_t>();
        return true;
    }
    if (j.is_number_float()) {
        const double d = j.get<double>();
        if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 9007199254740992.0) return false;
        out = static_cast<std::int64_t>(d);
        return true;
    }
    return false;
}

// Field readers: a missing (or null) optional field keeps the default; a present field of the wrong type
// is an error.
bool optString(const json& obj, const char* key, std::string& out) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
}

bool reqString(const json& obj, const char* key, std::string& out) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
}

bool optBool(const json& obj, const char* key, bool& out) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    if (!it->is_boolean()) return false;
    out = it->get<bool>();
    return true;
}

bool reqBool(const json& obj, const char* key, bool& out) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_boolean()) return false;
    out = it->get<bool>();
    return true;
}

bool optInt(const json& obj, const char* key, std::int64_t& out) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return true;
    return toInt64(*it, out);
}

bool reqInt(const json& obj, const char* key, std::int64_t& out) {
    auto it = obj.find(key);
    return it != obj.end() && toInt64(*it, out);
}

int clampInt(std::int64_t v, int lo, int hi) {
    if (v < lo) return lo;
    if (v > hi) return hi;
    return static_cast<int>(v);
}

bool readMessage(const json& j, Message& m, std::string& error) {
    if (!j.is_object()) {
        error = "message is not an object";
        return false;
    }
    std::string from;
    if (!reqString(j, "id", m.id) || m.id.empty()) {
        error = "message without a string id";
        return false;
    }
    if (!reqInt(j, "seq", m.seq) || m.seq <= 0) {
        error = "message without a positive integer seq";
        return false;
    }
    if (!reqString(j, "from", from)) {
        error = "message without from";
        return false;
    }
    if (from == "visitor")
        m.from = Sender::Visitor;
    else if (from == "agent")
        m.from = Sender::Agent;
    else if (from == "system")
        m.from = Sender::System;
    else {
        error = "message from unknown sender";
        return false;
    }
    if (!optString(j, "text", m.text) || !optInt(j, "time", m.timeMs) || m.timeMs < 0 ||
        !optString(j, "agent", m.agentName) || !optString(j, "kind", m.kind)) {
        error = "message field of the wrong type";
        return false;
    }
    if (m.kind.empty()) m.kind = "text";
    auto call = j.find("call");
    if (call != j.end() && !call->is_null()) {
        if (!call->is_object()) {
            error = "message call is not an object";
            return false;
        }
        CallInfo info;
        std::int64_t duration = 0;
        if (!optBool(*call, "video", info.video) || !optInt(*call, "duration", duration) ||
            !optString(*call, "outcome", info.outcome)) {
            error = "message call field of the wrong type";
            return false;
        }
        info.durationS = clampInt(duration, 0, std::numeric_limits<int>::max());
        m.call = info;
    }
    m.delivery = Delivery::Sent;
    return true;
}

// Values from outside can be malformed UTF-8, which nlohmann refuses to dump.
std::string safe(std::string_view s) {
    return sanitizeUtf8(s);
}

} // namespace kefu::protocol_fields
