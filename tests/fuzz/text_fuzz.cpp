// Text and time helpers fed with anything: UTF-8 repair, trimming, the outgoing limits, bidi stripping,
// and the date arithmetic on message times at the ends of int64.
#include <cstdint>
#include <cstring>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "core/i18n.hpp"
#include "core/layout.hpp"
#include "core/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const std::int64_t a = in.ConsumeIntegral<std::int64_t>(), b = in.ConsumeIntegral<std::int64_t>();
    const int tz = in.ConsumeIntegral<int>();
    const std::string text = in.ConsumeRemainingBytesAsString();

    const std::string time = kefu::formatTime(a, tz);
    if (time.size() != 5 || time[2] != ':') __builtin_trap();
    kefu::separatorLabel(kefu::Locale::ZhCN, a, b, tz);
    kefu::separatorLabel(kefu::Locale::En, a, b, tz);
    kefu::Message m1, m2;
    m1.timeMs = a;
    m2.timeMs = b;
    kefu::needsTimeSeparator(m1, m2, tz);
    kefu::formatDuration(static_cast<int>(a));

    const std::string clean = kefu::sanitizeUtf8(text);
    if (!kefu::isValidUtf8(clean)) __builtin_trap();
    const std::string stripped = kefu::stripBidiControls(clean);
    for (char32_t cp : kefu::decodeUtf8(stripped))
        if (kefu::isBidiControl(cp)) __builtin_trap();
    kefu::trim(text);
    kefu::validateOutgoing(text);
    kefu::uniqueCodePoints(text);
    return 0;
}
