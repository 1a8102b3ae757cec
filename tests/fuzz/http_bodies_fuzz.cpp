// Every HTTP body the widget reads: GET /api/config, POST /api/visitors, GET /api/messages, error bodies,
// the user object the page passes to setUser, and the PeerJS options.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/peerjs/options.hpp"
#include "core/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    const auto config = kefu::parseServerConfig(body);
    // The ICE servers go to RTCPeerConnection as JSON: always parseable.
    if (config.ok && !nlohmann::json::accept(config.value.iceServersJson)) __builtin_trap();
    kefu::parseVisitorCreated(body);
    kefu::parseHistoryPage(body);
    kefu::parseApiError(static_cast<int>(size % 600), body);
    const auto patch = kefu::encodeUserPatch(body);
    if (patch.ok && !nlohmann::json::accept(patch.value)) __builtin_trap();
    kefu::userName(body);
    kefu::peerjs::Options o;
    kefu::peerjs::parseOptions(body, o);
    o.socketUrl(body, body);
    return 0;
}
