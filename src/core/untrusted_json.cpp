#include "core/untrusted_json.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace kefu {

namespace {

template <class Json> bool opensContainer(typename Json::parse_event_t e) {
    return e == Json::parse_event_t::object_start || e == Json::parse_event_t::array_start;
}

// The callback sees each container as it opens, with its depth (root = 0). Returning false there keeps the
// parser from building it, so nothing deeper than the limit ever exists in memory.
template <class Json> Json parseLimited(std::string_view text, int maxDepth, bool& tooDeep) {
    tooDeep = false;
    try {
        Json j = Json::parse(
            text.begin(), text.end(),
            [&](int depth, typename Json::parse_event_t e, Json&) {
                if (opensContainer<Json>(e) && depth >= maxDepth) {
                    tooDeep = true;
                    return false;
                }
                return true;
            },
            false);
        if (tooDeep) return Json(Json::value_t::discarded);
        return j;
    } catch (...) {
        return Json(Json::value_t::discarded);
    }
}

} // namespace

JsonInput parseUntrusted(std::string_view text, int maxDepth) {
    JsonInput in;
    in.value = parseLimited<nlohmann::json>(text, maxDepth, in.tooDeep);
    return in;
}

JsonInput parseUntrustedPruned(std::string_view text, std::size_t& pruned, int maxDepth) {
    using Json = nlohmann::json;
    using E = Json::parse_event_t;
    maxDepth = std::max(maxDepth, 2); // a root member itself (depth 1) is always built, then maybe erased
    pruned = 0;
    JsonInput in;
    bool rootArray = false;
    std::string key;         // the root object's member being parsed
    std::size_t started = 0; // the root array's elements begun so far
    std::set<std::string> badKeys;
    std::set<std::size_t> badIndexes;
    try {
        in.value = Json::parse(
            text.begin(), text.end(),
            [&](int depth, E e, Json& parsed) {
                if (depth == 0 && opensContainer<Json>(e)) rootArray = e == E::array_start;
                if (depth == 1 && e == E::key && parsed.is_string()) key = parsed.get<std::string>();
                if (depth == 1 && rootArray && (opensContainer<Json>(e) || e == E::value)) ++started;
                if (opensContainer<Json>(e) && depth >= maxDepth) {
                    in.tooDeep = true;
                    if (rootArray)
                        badIndexes.insert(started - 1);
                    else
                        badKeys.insert(key);
                    return false;
                }
                return true;
            },
            false);
    } catch (...) {
        in.value = Json(Json::value_t::discarded);
    }
    if (in.value.is_object()) {
        for (const std::string& k : badKeys) pruned += in.value.erase(k);
    } else if (in.value.is_array() && !badIndexes.empty()) {
        Json kept = Json::array();
        for (std::size_t i = 0; i < in.value.size(); ++i) {
            if (badIndexes.count(i))
                ++pruned;
            else
                kept.push_back(std::move(in.value[i]));
        }
        in.value = std::move(kept);
    }
    return in;
}

} // namespace kefu
