#include "core/protocol.hpp"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "core/untrusted_json.hpp"

namespace kefu {

namespace {

using json = nlohmann::json;

// Parses without exceptions; a discarded value means "not JSON" or nested too deep (see untrusted_json.hpp).
json parseJson(std::string_view text, std::string* why = nullptr) {
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

frame::Malformed malformed(std::string reason) {
    return frame::Malformed{std::move(reason)};
}

DecodeResult decodeFrame(const json& root) {
    if (!root.is_object()) return malformed("frame is not a JSON object");
    auto typeIt = root.find("type");
    if (typeIt == root.end() || !typeIt->is_string()) return malformed("frame without a string type");
    const std::string type = typeIt->get<std::string>();
    static const json kEmpty = json::object();
    auto dataIt = root.find("data");
    const bool hasData = dataIt != root.end() && !dataIt->is_null();
    const json& data = hasData ? *dataIt : kEmpty;
    const bool isObject = data.is_object();

    if (type == "hello") {
        if (!isObject) return malformed("hello data is not an object");
        frame::Hello h;
        if (!optString(data, "visitorId", h.visitorId) || !optInt(data, "lastSeq", h.lastSeq) || h.lastSeq < 0 ||
            !optInt(data, "visitorReadSeq", h.visitorReadSeq) || h.visitorReadSeq < 0 ||
            !optInt(data, "agentReadSeq", h.agentReadSeq) || h.agentReadSeq < 0)
            return malformed("hello field of the wrong type");
        auto kefu = data.find("kefu");
        if (kefu != data.end() && !kefu->is_null()) {
            if (!kefu->is_object() || !optString(*kefu, "id", h.kefuId) || !optString(*kefu, "name", h.kefuName) ||
                !optBool(*kefu, "online", h.kefuOnline) || !optString(*kefu, "peer", h.kefuPeer) ||
                !optString(*kefu, "unavailable", h.kefuUnavailable))
                return malformed("hello kefu of the wrong type");
        }
        return h;
    }
    if (type == "ack") {
        frame::Ack a;
        if (!isObject || !reqString(data, "id", a.id) || a.id.empty() || !reqInt(data, "seq", a.seq) || a.seq <= 0 ||
            !optInt(data, "time", a.timeMs) || a.timeMs < 0)
            return malformed("ack needs a string id, a positive seq and a time");
        return a;
    }
    if (type == "message") {
        frame::MessageFrame f;
        std::string error;
        if (!readMessage(data, f.message, error)) return malformed(error);
        return f;
    }
    if (type == "read") {
        frame::Read rd;
        if (!isObject || !optString(data, "by", rd.by) || !reqInt(data, "seq", rd.seq) || rd.seq < 0)
            return malformed("read needs an integer seq");
        return rd;
    }
    if (type == "typing") {
        frame::Typing t;
        if (!isObject || !reqBool(data, "on", t.on)) return malformed("typing needs a boolean on");
        return t;
    }
    if (type == "status") {
        frame::Status s;
        if (!isObject || !reqBool(data, "online", s.online) || !optString(data, "peer", s.peer) ||
            !optString(data, "unavailable", s.unavailable))
            return malformed("status needs a boolean online");
        return s;
    }
    if (type == "accept") {
        if (!data.is_string() || data.get<std::string>().empty())
            return malformed("accept data must be the agent's peer id string");
        return frame::Accept{data.get<std::string>()};
    }
    if (type == "reject" || type == "hangup") {
        std::string reason;
        if (!isObject || !optString(data, "reason", reason)) return malformed(type + " reason of the wrong type");
        if (type == "reject") return frame::Reject{reason};
        return frame::Hangup{reason};
    }
    if (type == "switch") {
        frame::SwitchReply s;
        if (!isObject || !reqBool(data, "accepted", s.accepted)) return malformed("switch needs a boolean accepted");
        return s;
    }
    if (type == "ring" || type == "ring_end") {
        // The call id goes back to the server in a request body: the form the server issues, nothing else.
        frame::Ring g;
        g.end = type == "ring_end";
        const bool idOk =
            isObject && reqString(data, "callId", g.callId) && !g.callId.empty() && g.callId.size() <= 100 &&
            g.callId.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                std::string::npos;
        if (!idOk || !optBool(data, "video", g.video)) return malformed(type + " needs a call id");
        return g;
    }
    if (type == "error") {
        frame::Error e;
        if (!isObject || !reqString(data, "code", e.code) || !optString(data, "message", e.message) ||
            !optString(data, "id", e.id))
            return malformed("error needs a string code");
        return e;
    }
    if (type == "pong") return frame::Pong{};
    return frame::Unknown{type};
}

std::string encodeFrame(const char* type, json data) {
    json j = json::object();
    j["type"] = type;
    j["data"] = std::move(data);
    return dump(j);
}

// Values from outside can be malformed UTF-8, which nlohmann refuses to dump.
std::string safe(std::string_view s) {
    return sanitizeUtf8(s);
}

} // namespace

DecodeResult decodeServerFrame(std::string_view text) {
    try {
        std::string why;
        const json root = parseJson(text, &why);
        if (root.is_discarded()) return malformed(why.empty() ? "frame is not valid JSON" : "frame " + why);
        return decodeFrame(root);
    } catch (const std::exception& e) {
        return malformed(std::string("frame could not be decoded: ") + e.what());
    } catch (...) {
        return malformed("frame could not be decoded");
    }
}

std::string encodeAuth(std::string_view token) {
    return encodeFrame("auth", {{"token", safe(token)}});
}

std::string encodeMessage(std::string_view id, std::string_view text) {
    return encodeFrame("message", {{"id", safe(id)}, {"text", safe(text)}});
}

std::string encodeTyping(bool on) {
    return encodeFrame("typing", {{"on", on}});
}

std::string encodeRead(std::int64_t seq) {
    return encodeFrame("read", {{"seq", seq}});
}

std::string encodePing() {
    return encodeFrame("ping", json::object());
}

Parsed<ServerConfig> parseServerConfig(std::string_view body) {
    Parsed<ServerConfig> r;
    try {
        std::string why;
        const json j = parseJson(body, &why);
        if (!j.is_object()) {
            r.error = why.empty() ? "config is not a JSON object" : "config " + why;
            return r;
        }
        ServerConfig& c = r.value;
        // The config is advisory: fields of the wrong type keep their defaults instead of failing the whole
        // widget.
        auto kefu = j.find("kefu");
        if (kefu != j.end() && kefu->is_object()) {
            optString(*kefu, "id", c.kefuId);
            optString(*kefu, "name", c.kefuName);
        }
        auto welcome = j.find("welcome");
        if (welcome != j.end() && welcome->is_object()) {
            for (auto it = welcome->begin(); it != welcome->end(); ++it)
                if (it.value().is_string()) c.welcome[it.key()] = it.value().get<std::string>();
        } else if (welcome != j.end() && welcome->is_string()) {
            c.welcome[""] = welcome->get<std::string>();
        }
        auto peer = j.find("peer");
        if (peer != j.end() && peer->is_object()) {
            optString(*peer, "host", c.peer.host);
            optString(*peer, "path", c.peer.path);
            optString(*peer, "key", c.peer.key);
            optBool(*peer, "secure", c.peer.secure);
            optString(*peer, "auth", c.peer.auth);
            std::int64_t port = c.peer.port;
            if (optInt(*peer, "port", port)) c.peer.port = clampInt(port, 0, 65535);
        }
        auto ice = j.find("iceServers");
        if (ice != j.end() && ice->is_array()) {
            c.iceServersJson = dump(*ice);
            for (const auto& s : *ice) {
                if (!s.is_object()) continue;
                IceServer server;
                auto urls = s.find("urls");
                if (urls == s.end()) urls = s.find("url");
                if (urls != s.end() && urls->is_string())
                    server.urls.push_back(urls->get<std::string>());
                else if (urls != s.end() && urls->is_array())
                    for (const auto& u : *urls)
                        if (u.is_string()) server.urls.push_back(u.get<std::string>());
                optString(s, "username", server.username);
                optString(s, "credential", server.credential);
                if (!server.urls.empty()) c.iceServers.push_back(std::move(server));
            }
        }
        optBool(j, "turnCredentials", c.turnCredentials);
        auto limits = j.find("limits");
        if (limits != j.end() && limits->is_object()) {
            std::int64_t max = c.maxMessageChars;
            if (optInt(*limits, "maxMessageChars", max) && max > 0) c.maxMessageChars = clampInt(max, 1, 1000000);
            // Both or neither: a window without its count (or the reverse) says nothing usable.
            std::int64_t per = 0, window = 0;
            if (optInt(*limits, "messagesPerWindow", per) && optInt(*limits, "rateWindowMs", window) && per > 0 &&
                window > 0) {
                c.messagesPerWindow = clampInt(per, 1, 100000);
                c.rateWindowMs = clampInt(window, 100, 3600000);
            }
        }
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

Parsed<VisitorCreated> parseVisitorCreated(std::string_view body) {
    Parsed<VisitorCreated> r;
    try {
        const json j = parseJson(body);
        if (!j.is_object() || !reqString(j, "token", r.value.token) || r.value.token.empty() ||
            !optString(j, "visitorId", r.value.visitorId)) {
            r.error = "visitor response without a token";
            return r;
        }
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

std::string encodeCreateVisitor(std::string_view lang, std::string_view name, std::string_view kefu) {
    json j = json::object();
    if (!lang.empty()) j["lang"] = safe(lang);
    if (!name.empty()) j["name"] = safe(name);
    if (!kefu.empty()) j["kefu"] = safe(kefu);
    return dump(j);
}

Parsed<HistoryPage> parseHistoryPage(std::string_view body) {
    Parsed<HistoryPage> r;
    try {
        std::string why;
        const json j = parseJson(body, &why);
        if (!j.is_object()) {
            r.error = why.empty() ? "history page is not a JSON object" : "history page " + why;
            return r;
        }
        auto messages = j.find("messages");
        if (messages == j.end() || !messages->is_array()) {
            r.error = "history page without a messages array";
            return r;
        }
        if (!optBool(j, "hasMore", r.value.hasMore)) {
            r.error = "history hasMore is not a boolean";
            return r;
        }
        for (const auto& item : *messages) {
            Message m;
            std::string error;
            if (readMessage(item, m, error))
                r.value.messages.push_back(std::move(m));
            else
                ++r.value.skipped;
        }
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

Parsed<Message> parseMessage(std::string_view text) {
    Parsed<Message> r;
    try {
        std::string why;
        const json j = parseJson(text, &why);
        r.ok = readMessage(j, r.value, r.error);
        if (!why.empty()) r.error = "message " + why;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

Parsed<std::string> encodeUserPatch(std::string_view userJson) {
    Parsed<std::string> r;
    try {
        std::string why;
        const json j = parseJson(userJson, &why);
        if (!j.is_object()) {
            r.error = why.empty() ? "user must be a JSON object" : "user " + why;
            return r;
        }
        json out = json::object();
        for (const char* key : {"name", "email", "phone"}) {
            auto it = j.find(key);
            if (it == j.end() || it->is_null()) continue;
            if (it->is_string())
                out[key] = *it;
            else if (it->is_number())
                out[key] = it->dump();
            else {
                r.error = std::string("user ") + key + " must be a string";
                return r;
            }
        }
        auto attrs = j.find("attrs");
        if (attrs != j.end() && !attrs->is_null()) {
            if (!attrs->is_object()) {
                r.error = "user attrs must be an object";
                return r;
            }
            out["attrs"] = *attrs;
        }
        r.value = dump(out);
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

std::string userName(std::string_view userJson) {
    try {
        const json j = parseJson(userJson);
        std::string name;
        if (j.is_object() && optString(j, "name", name)) return name;
    } catch (...) {
    }
    return std::string();
}

ApiError parseApiError(int status, std::string_view body) {
    ApiError e;
    try {
        const json j = parseJson(body);
        if (j.is_object()) {
            auto err = j.find("error");
            if (err != j.end() && err->is_object()) {
                optString(*err, "code", e.code);
                optString(*err, "message", e.message);
            }
        }
    } catch (...) {
    }
    if (e.code.empty()) {
        if (status == 0)
            e.code = "network";
        else if (status == 400)
            e.code = "bad_request";
        else if (status == 401)
            e.code = "unauthorized";
        else if (status == 403)
            e.code = "forbidden";
        else if (status == 404)
            e.code = "not_found";
        else if (status == 409)
            e.code = "conflict";
        else if (status == 413)
            e.code = "too_large";
        else if (status == 429)
            e.code = "rate_limited";
        else
            e.code = "internal";
    }
    return e;
}

} // namespace kefu
