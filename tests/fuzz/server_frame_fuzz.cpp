// The visitor chat socket's frames (docs/PROTOCOL.md): decoding never throws, whatever arrives, and a
// message that decodes re-encodes as valid JSON.
#include <cstdint>
#include <string>

#include "core/protocol.hpp"
#include "core/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const kefu::DecodeResult r = kefu::decodeServerFrame(text);
    if (auto* m = std::get_if<kefu::frame::MessageFrame>(&r)) {
        if (!kefu::isValidUtf8(m->message.text)) __builtin_trap(); // the parser validated it
        kefu::encodeMessage(m->message.id, m->message.text);
    }
    kefu::parseMessage(text);
    // What the widget sends is always well-formed, even built from garbage.
    kefu::encodeAuth(text);
    kefu::encodeMessage(text, text);
    return 0;
}
