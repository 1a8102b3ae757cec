// Where the PeerJS server is and how its URLs look (peerjs 1.5.5 client conventions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kefu::peerjs {

// The client version we announce; the server ignores it, but it identifies us in its logs like a stock client.
inline constexpr const char* kClientVersion = "1.5.5";

struct Options {
    std::string host = "127.0.0.1";
    int port = 9000;
    std::string path = "/"; // normalised by normalizedPath(): "myapp" -> "/myapp/"
    std::string key = "peerjs";
    bool secure = false;
    // Ask the server for an id (GET …/id) instead of choosing one. Choosing saves an HTTP round trip and the
    // server accepts any id, so this is only for servers that hand out ids through generateClientId.
    bool fetchId = false;
    std::string idPrefix = "kefu"; // chosen ids are idPrefix + random base-36
    // Credentials mode, for a kefu backend's own PeerJS server (`peer.auth:"kefu"` in /api/config): that server
    // registers only an id and token it issued, so they come from POST credentialsUrl with the visitor's bearer
    // token instead of being chosen here (docs/PROTOCOL.md §6.2). Empty: choose them, as stock peerjs does.
    std::string credentialsUrl;
    std::string credentialsBearer;

    std::string normalizedPath() const;
    // http(s)://host:port{path}
    std::string httpBase() const;
    // http(s)://host:port{path}{key}/id?ts=…&version=1.5.5 (ts is cache busting, like Date.now() + Math.random())
    std::string idUrl(std::int64_t nowMs) const;
    // ws(s)://host:port{path}peerjs?key=K&id=ID&token=T&version=1.5.5, every value percent-encoded.
    std::string socketUrl(const std::string& id, const std::string& token) const;
};

// Reads the "peer" object of GET /api/config: {"host","port","path","key","secure"}. Missing fields keep
// their defaults. Returns false (and leaves `out` untouched) when the text is not a JSON object.
bool parseOptions(const std::string& json, Options& out);

// The answer of POST /api/peer-credentials: {"id","token","expires"}.
struct Credentials {
    std::string id;
    std::string token;
    std::int64_t expiresMs = 0; // 0 when the server gave none
};
// Strict and never throws: an object (nesting at most 2) whose `id` is a valid PeerJS id of at most 100
// characters and whose `token` is 1–128 characters of [A-Za-z0-9_-]; `expires`, when there, a non-negative
// integer. Anything else (other types, a body over 4 KiB) is false and leaves `out` untouched.
bool parseCredentials(std::string_view body, Credentials& out);

// The client-side id rule of peerjs: ^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$
bool isValidId(const std::string& id);

// RFC 3986 unreserved characters stay, everything else becomes %XX.
std::string percentEncode(const std::string& text);

// `length` random characters from [0-9a-z].
std::string randomBase36(std::size_t length);
// Like Math.random().toString(36).slice(2): protects our id against takeover on the server.
std::string randomToken();
// idPrefix + 16 random base-36 characters; always a valid id.
std::string randomId(const std::string& prefix);

} // namespace kefu::peerjs
