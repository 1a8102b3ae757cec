// Helpers shared by the call controller's translation units (call.cpp, call_switch.cpp). Not an API.
#pragma once

#include "call.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace kefu::call_detail {

using OrderedJson = nlohmann::ordered_json;

inline std::string dump(const OrderedJson& j) {
    try {
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception&) {
        return "{}";
    }
}

inline CallEndReason mediaError(const std::string& name, bool video) {
    if (name == "NotAllowedError" || name == "SecurityError" || name == "PermissionDeniedError")
        return CallEndReason::PermissionDenied;
    if (name == "NotFoundError" || name == "DevicesNotFoundError" || name == "OverconstrainedError")
        return video ? CallEndReason::NoCamera : CallEndReason::NoMicrophone;
    // Old Safari throws TypeError instead of leaving navigator.mediaDevices undefined on http:// pages.
    if (name == "Unsupported" || name == "TypeError") return CallEndReason::InsecureContext;
    // NotReadableError, TrackStartError, AbortError and anything unknown: the device would not start.
    return CallEndReason::DeviceBusy;
}

} // namespace kefu::call_detail
