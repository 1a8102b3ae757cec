// Parsing JSON that comes from outside the widget (server frames and bodies, PeerJS relays, the host page,
// localStorage). nlohmann parses iteratively, but copying, dumping and comparing a value recurse once per
// level: a document nested a few thousand levels deep would overflow the wasm stack (256 KiB) later, far
// from the parser. So depth is checked while parsing, before anything deep is built.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kefu {

// No message of the protocol nests more than a handful of levels; site-defined `attrs` get room to spare.
constexpr int kMaxJsonDepth = 64;

struct JsonInput {
    nlohmann::json value; // discarded when refused
    bool tooDeep = false; // refused (or, pruned: something left out) for nesting deeper than maxDepth
};

// Never throws. The value is discarded when `text` is not JSON or nests more than `maxDepth` containers.
JsonInput parseUntrusted(std::string_view text, int maxDepth = kMaxJsonDepth);

// For a document whose top-level members are independent (the loader's settings, the saved outbox): a
// member (object key or array element) nesting too deep is left out whole, counted in `pruned`, and the
// rest is kept. A scalar or invalid document is returned as parseUntrusted() would.
JsonInput parseUntrustedPruned(std::string_view text, std::size_t& pruned, int maxDepth = kMaxJsonDepth);

} // namespace kefu
