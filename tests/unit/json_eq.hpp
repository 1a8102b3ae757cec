// Frames and request bodies are compared as JSON values: member order is not part of the wire format
// (the stock peer server and peerjs parse frames; nothing compares their bytes).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kefu::test {

// The parsed value; a text that is not JSON stays a string, so a comparison still fails visibly.
inline nlohmann::json J(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() ? nlohmann::json(text) : j;
}

inline std::vector<nlohmann::json> J(const std::vector<std::string>& texts) {
    std::vector<nlohmann::json> out;
    for (const auto& t : texts) out.push_back(J(t));
    return out;
}

inline std::size_t countJson(const std::vector<std::string>& texts, const std::string& want) {
    std::size_t n = 0;
    for (const auto& t : texts) n += J(t) == J(want);
    return n;
}

} // namespace kefu::test
