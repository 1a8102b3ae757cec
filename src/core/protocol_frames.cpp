// The WebSocket chat frames: decoding the server's frames and encoding the widget's.
#include "core/protocol.hpp"

#include "core/protocol_fields.hpp"

namespace kefu {

using namespace protocol_fields;

namespace {

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

} // namespace kefu
