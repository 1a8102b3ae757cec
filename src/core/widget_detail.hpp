// What the Widget's own files (widget.cpp, widget_calls.cpp, widget_view.cpp) share; not part of its API.
#pragma once

#include "core/call.hpp"
#include "core/i18n.hpp"
#include "core/message.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace kefu::widget_detail {

using json = nlohmann::json;

constexpr int kCallStatusMs = 8000;   // "call ended" / a failure stays this long in the call bar
constexpr int kPendingCallMs = 15000; // a call waiting for the backend's first answer gives up after this
constexpr int kIceWaitMs = 3000;      // a call waiting only for its TURN credentials goes without them after this

std::string dumpJson(const json& j);
Key reasonKey(CallEndReason r);        // the panel's text for why a call ended
Key errorKey(const std::string& code); // the panel's text for a refused message
json messageObject(const Message& m, Locale locale);

} // namespace kefu::widget_detail
