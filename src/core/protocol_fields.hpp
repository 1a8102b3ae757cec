// JSON field readers and writers shared by the protocol's frame and HTTP-body codecs (internal to core).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/message.hpp"

namespace kefu::protocol_fields {

using json = nlohmann::json;

// Parses without exceptions; a discarded value means "not JSON" or nested too deep (see untrusted_json.hpp).
json parseJson(std::string_view text, std::string* why = nullptr);

std::string dump(const json& j);

// JSON numbers arrive as signed, unsigned or float; accept any exact integer that fits.
bool toInt64(const json& j, std::int64_t& out);

// Field readers: a missing (or null) optional field keeps the default; a present field of the wrong type
// is an error.
bool optString(const json& obj, const char* key, std::string& out);
bool reqString(const json& obj, const char* key, std::string& out);
bool optBool(const json& obj, const char* key, bool& out);
bool reqBool(const json& obj, const char* key, bool& out);
bool optInt(const json& obj, const char* key, std::int64_t& out);
bool reqInt(const json& obj, const char* key, std::int64_t& out);

int clampInt(std::int64_t v, int lo, int hi);

// One chat message object, as frames and history pages carry it; false with the reason in error.
bool readMessage(const json& j, Message& m, std::string& error);

// Values from outside can be malformed UTF-8, which nlohmann refuses to dump.
std::string safe(std::string_view s);

} // namespace kefu::protocol_fields
