// The JSON frames of the PeerJS signalling socket, exactly as stock peerjs 1.5.5 and `peer` 1.0.2 spell them.
#pragma once

#include <string>

namespace kefu::peerjs {

enum class MessageType {
    Open,    // {"type":"OPEN"}: our id is registered
    Error,   // {"type":"ERROR","payload":{"msg":…}}: fatal, the server closes the socket
    IdTaken, // {"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}: fatal for that id
    Offer,   // relayed from another peer
    Answer,
    Candidate,
    Leave,     // {"type":"LEAVE","src":peer}: the peer hung up every connection with us
    Expire,    // {"type":"EXPIRE","src":peer}: our queued messages to peer were never claimed
    Unknown,   // valid frame with a type we do not handle (ignored)
    Malformed, // not JSON, no string type, or a known type missing its required fields (ignored)
};

const char* toString(MessageType type);

struct ServerMessage {
    MessageType type = MessageType::Malformed;
    std::string typeName; // the raw "type" string, for logs
    std::string src;      // relayed messages: the sender's id (set by the server, cannot be spoofed)
    std::string dst;
    std::string errorMessage;   // ERROR / ID-TAKEN: payload.msg
    std::string connectionId;   // OFFER / ANSWER / CANDIDATE: payload.connectionId
    std::string connectionType; // payload.type: "media" or "data"
    std::string sdpType;        // OFFER / ANSWER: payload.sdp.type
    std::string sdp;            // OFFER / ANSWER: payload.sdp.sdp
    std::string candidateJson;  // CANDIDATE: payload.candidate re-serialised, ready for addIceCandidate
    std::string metadataJson;   // OFFER: payload.metadata, empty when absent
};

// Never throws; anything unusable comes back as Malformed.
ServerMessage parseServerMessage(const std::string& text);

// {"type":"HEARTBEAT"}
std::string encodeHeartbeat();

// {"type":"OFFER","payload":{"sdp":{"type":"offer","sdp":…},"type":"media","connectionId":…,"metadata":…},"dst":…}
// `metadataJson` is omitted when empty or not valid JSON (peerjs omits an undefined metadata too).
std::string encodeOffer(const std::string& dst, const std::string& connectionId, const std::string& sdp,
                        const std::string& metadataJson);

// {"type":"CANDIDATE","payload":{"candidate":{"candidate","sdpMid","sdpMLineIndex","usernameFragment"},
//  "type":"media","connectionId":…},"dst":…}
// Returns "" for a candidate the agent could not add (empty candidate string, or neither sdpMid nor
// sdpMLineIndex): its addIceCandidate would throw and its peerjs would report a `webrtc` error.
std::string encodeCandidate(const std::string& dst, const std::string& connectionId, const std::string& candidateJson);

// {"type":"LEAVE","dst":…}. Returns "" when dst is empty: a LEAVE without dst de-registers *us* on the server.
std::string encodeLeave(const std::string& dst);

} // namespace kefu::peerjs
