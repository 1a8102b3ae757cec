// What the host page and localStorage give the widget at start: the loader's settings object and the
// saved outbox. Bad values keep the defaults; the outbox keeps what it can read, and what it writes back
// reads the same.
#include <cstdint>
#include <string>

#include "core/outbox.hpp"
#include "core/widget.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const kefu::WidgetSettings s = kefu::parseWidgetSettings(text);
    if (s.tzOffsetMin < -1440 || s.tzOffsetMin > 1440 || s.readSeq < 0) __builtin_trap();
    kefu::parseSavedOutbox(s.outboxJson);
    const kefu::SavedOutbox saved = kefu::parseSavedOutbox(text);
    const std::string again = kefu::encodeSavedOutbox(saved.messages);
    const kefu::SavedOutbox reread = kefu::parseSavedOutbox(again);
    if (reread.messages.size() != saved.messages.size() || reread.dropped != 0) __builtin_trap();
    for (std::size_t i = 0; i < saved.messages.size(); ++i)
        if (reread.messages[i].id.empty() || reread.messages[i].timeMs != saved.messages[i].timeMs) __builtin_trap();
    return 0;
}
