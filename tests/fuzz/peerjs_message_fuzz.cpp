// PeerJS frames relayed by the signalling server from any peer that knows our id, and the frames the
// widget builds from what the browser and the call metadata give it.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/peerjs/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const kefu::peerjs::ServerMessage m = kefu::peerjs::parseServerMessage(text);
    // What the decoder hands on is itself valid JSON, ready for the browser.
    for (const std::string* j : {&m.candidateJson, &m.metadataJson})
        if (!j->empty() && !nlohmann::json::accept(*j)) __builtin_trap();
    kefu::peerjs::encodeOffer("agent1", "mc_1", text, text);
    kefu::peerjs::encodeCandidate("agent1", "mc_1", text);
    if (!m.candidateJson.empty()) kefu::peerjs::encodeCandidate(m.src, m.connectionId, m.candidateJson);
    kefu::peerjs::encodeLeave(text);
    return 0;
}
