#include "messages.hpp"

#include <nlohmann/json.hpp>

#include "core/untrusted_json.hpp"

namespace kefu::peerjs {

namespace {

using Json = nlohmann::json;
// One JSON type for the whole widget (a second, key-ordered one cost 26 KB of wasm): peers parse frames,
// none compares their bytes, so key order does not matter.

std::string dump(const Json& j) {
    try {
        // replace: a bad UTF-8 sequence in an SDP must not throw out of the codec.
        return j.dump(-1, ' ', false, Json::error_handler_t::replace);
    } catch (const std::exception&) {
        return {};
    }
}

std::string stringField(const Json& obj, const char* key) {
    if (!obj.is_object()) return {};
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

MessageType typeFromName(const std::string& name) {
    if (name == "OPEN") return MessageType::Open;
    if (name == "ERROR") return MessageType::Error;
    if (name == "ID-TAKEN") return MessageType::IdTaken;
    if (name == "OFFER") return MessageType::Offer;
    if (name == "ANSWER") return MessageType::Answer;
    if (name == "CANDIDATE") return MessageType::Candidate;
    if (name == "LEAVE") return MessageType::Leave;
    if (name == "EXPIRE") return MessageType::Expire;
    return MessageType::Unknown;
}

// Fills the relayed-payload fields; false when a field the type requires is missing.
bool readPayload(const Json& payload, ServerMessage& m) {
    if (!payload.is_object()) return false;
    m.connectionId = stringField(payload, "connectionId");
    m.connectionType = stringField(payload, "type");
    if (m.connectionId.empty()) return false;
    if (m.type == MessageType::Offer || m.type == MessageType::Answer) {
        auto sdp = payload.find("sdp");
        if (sdp == payload.end() || !sdp->is_object()) return false;
        m.sdpType = stringField(*sdp, "type");
        m.sdp = stringField(*sdp, "sdp");
        if (m.sdpType.empty() || m.sdp.empty()) return false;
        if (auto meta = payload.find("metadata"); meta != payload.end() && !meta->is_null())
            m.metadataJson = dump(*meta);
        return true;
    }
    // Candidate
    auto cand = payload.find("candidate");
    if (cand == payload.end() || !cand->is_object() || stringField(*cand, "candidate").empty()) return false;
    m.candidateJson = dump(*cand);
    return !m.candidateJson.empty();
}

ServerMessage parseUnchecked(const std::string& text) {
    ServerMessage m;
    // Relayed payloads come from any peer that knows our id: depth-limited, never copied whole.
    const JsonInput in = parseUntrusted(text);
    const Json& j = in.value;
    if (!j.is_object()) return m;
    auto type = j.find("type");
    if (type == j.end() || !type->is_string()) return m;
    m.typeName = type->get<std::string>();
    m.src = stringField(j, "src");
    m.dst = stringField(j, "dst");
    const MessageType t = typeFromName(m.typeName);
    static const Json kNone;
    const auto payloadIt = j.find("payload");
    const Json& payload = payloadIt != j.end() ? *payloadIt : kNone;
    switch (t) {
    case MessageType::Open:
    case MessageType::Unknown: m.type = t; break;
    case MessageType::Error:
    case MessageType::IdTaken:
        m.type = t;
        m.errorMessage = stringField(payload, "msg");
        break;
    case MessageType::Leave:
    case MessageType::Expire:
        // Without src we cannot tell whose connection is concerned.
        if (!m.src.empty()) m.type = t;
        break;
    case MessageType::Offer:
    case MessageType::Answer:
    case MessageType::Candidate:
        m.type = t;
        if (m.src.empty() || !readPayload(payload, m)) m.type = MessageType::Malformed;
        break;
    case MessageType::Malformed: break;
    }
    return m;
}

} // namespace

const char* toString(MessageType type) {
    switch (type) {
    case MessageType::Open: return "OPEN";
    case MessageType::Error: return "ERROR";
    case MessageType::IdTaken: return "ID-TAKEN";
    case MessageType::Offer: return "OFFER";
    case MessageType::Answer: return "ANSWER";
    case MessageType::Candidate: return "CANDIDATE";
    case MessageType::Leave: return "LEAVE";
    case MessageType::Expire: return "EXPIRE";
    case MessageType::Unknown: return "unknown";
    case MessageType::Malformed: return "malformed";
    }
    return "malformed";
}

ServerMessage parseServerMessage(const std::string& text) {
    try {
        return parseUnchecked(text);
    } catch (const std::exception&) {
        ServerMessage m;
        m.type = MessageType::Malformed;
        return m;
    }
}

std::string encodeHeartbeat() {
    return R"({"type":"HEARTBEAT"})";
}

std::string encodeOffer(const std::string& dst, const std::string& connectionId, const std::string& sdp,
                        const std::string& metadataJson) {
    Json payload;
    payload["sdp"] = Json{{"type", "offer"}, {"sdp", sdp}};
    payload["type"] = "media";
    payload["connectionId"] = connectionId;
    if (!metadataJson.empty()) {
        Json meta = parseUntrusted(metadataJson).value;
        if (!meta.is_discarded()) payload["metadata"] = std::move(meta);
    }
    Json frame;
    frame["type"] = "OFFER";
    frame["payload"] = std::move(payload);
    frame["dst"] = dst;
    return dump(frame);
}

std::string encodeCandidate(const std::string& dst, const std::string& connectionId, const std::string& candidateJson) {
    const Json in = parseUntrusted(candidateJson).value;
    if (!in.is_object()) return {};
    auto cand = in.find("candidate");
    if (cand == in.end() || !cand->is_string() || cand->get<std::string>().empty()) return {};
    auto mid = in.find("sdpMid");
    auto index = in.find("sdpMLineIndex");
    const bool hasMid = mid != in.end() && mid->is_string();
    const bool hasIndex = index != in.end() && index->is_number_integer();
    if (!hasMid && !hasIndex) return {};

    // RTCIceCandidate.toJSON() order; other keys are dropped, missing ones stay missing.
    Json c;
    c["candidate"] = *cand;
    for (const char* key : {"sdpMid", "sdpMLineIndex", "usernameFragment"}) {
        if (auto it = in.find(key); it != in.end()) c[key] = *it;
    }
    Json frame;
    frame["type"] = "CANDIDATE";
    frame["payload"] = Json{{"candidate", std::move(c)}, {"type", "media"}, {"connectionId", connectionId}};
    frame["dst"] = dst;
    return dump(frame);
}

std::string encodeLeave(const std::string& dst) {
    if (dst.empty()) return {};
    Json frame;
    frame["type"] = "LEAVE";
    frame["dst"] = dst;
    return dump(frame);
}

} // namespace kefu::peerjs
