// Helpers shared by the call controller's translation units (call*.cpp). Not an API.
#pragma once

#include "call.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>

namespace kefu::call_detail {

using Json = nlohmann::json;

constexpr int kWarmDelayMs = 250;    // after prepare(): out of the way of the panel's first frames
constexpr int kRewarmDelayMs = 1000; // after a call: out of the way of its teardown
constexpr int kPrimeHoldMs = 10000;  // a hovered 语音 without a click: its gathering connection goes

inline std::string dump(const Json& j) {
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

// `body` ({"action",…}) with "call_id" right after "action", as the backend's examples have it.
inline Json withCallId(const Json& body, const std::string& callId) {
    Json out;
    out["action"] = body.value("action", "");
    out["call_id"] = callId;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != "action") out[it.key()] = it.value();
    return out;
}

// Runs a copy of the callback, so that it may replace or clear itself.
template <class F, class... A> void fire(const F& f, A&&... args) {
    if (f) {
        F copy = f;
        copy(std::forward<A>(args)...);
    }
}

} // namespace kefu::call_detail
