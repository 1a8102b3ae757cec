#include "options.hpp"

#include <nlohmann/json.hpp>

#include "core/untrusted_json.hpp"

#include <cstdint>
#include <random>

namespace kefu::peerjs {

namespace {

bool isAlnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

std::string hostPart(const std::string& host) {
    // An IPv6 literal needs brackets in a URL.
    if (host.find(':') != std::string::npos && (host.empty() || host.front() != '[')) return "[" + host + "]";
    return host;
}

std::mt19937& engine() {
    static std::mt19937 rng = [] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd()};
        return std::mt19937(seq);
    }();
    return rng;
}

} // namespace

std::string Options::normalizedPath() const {
    std::string p = path;
    if (p.empty() || p.front() != '/') p.insert(p.begin(), '/');
    if (p.back() != '/') p.push_back('/');
    return p;
}

std::string Options::httpBase() const {
    return std::string(secure ? "https" : "http") + "://" + hostPart(host) + ":" + std::to_string(port) +
           normalizedPath();
}

std::string Options::idUrl(std::int64_t nowMs) const {
    std::uniform_int_distribution<std::uint64_t> digits(0, 999999999999ULL);
    return httpBase() + percentEncode(key) + "/id?ts=" + std::to_string(nowMs) + "0." +
           std::to_string(digits(engine())) + "&version=" + kClientVersion;
}

std::string Options::socketUrl(const std::string& id, const std::string& token) const {
    return std::string(secure ? "wss" : "ws") + "://" + hostPart(host) + ":" + std::to_string(port) + normalizedPath() +
           "peerjs?key=" + percentEncode(key) + "&id=" + percentEncode(id) + "&token=" + percentEncode(token) +
           "&version=" + kClientVersion;
}

bool parseOptions(const std::string& json, Options& out) {
    const nlohmann::json j = parseUntrusted(json).value;
    if (!j.is_object()) return false;
    Options o = out;
    if (auto it = j.find("host"); it != j.end() && it->is_string()) o.host = it->get<std::string>();
    if (auto it = j.find("port"); it != j.end() && it->is_number_integer()) {
        const auto port = it->get<std::int64_t>();
        if (port > 0 && port < 65536) o.port = static_cast<int>(port);
    }
    if (auto it = j.find("path"); it != j.end() && it->is_string()) o.path = it->get<std::string>();
    if (auto it = j.find("key"); it != j.end() && it->is_string()) o.key = it->get<std::string>();
    if (auto it = j.find("secure"); it != j.end() && it->is_boolean()) o.secure = it->get<bool>();
    out = o;
    return true;
}

bool parseCredentials(std::string_view body, Credentials& out) {
    if (body.size() > 4096) return false;
    const nlohmann::json j = parseUntrusted(body, 2).value;
    if (!j.is_object()) return false;
    auto id = j.find("id");
    auto token = j.find("token");
    if (id == j.end() || token == j.end() || !id->is_string() || !token->is_string()) return false;
    Credentials c;
    c.id = id->get<std::string>();
    c.token = token->get<std::string>();
    if (c.id.size() > 100 || !isValidId(c.id) || c.token.empty() || c.token.size() > 128) return false;
    for (char ch : c.token)
        if (!isAlnum(ch) && ch != '-' && ch != '_') return false; // it goes into the socket URL
    if (auto e = j.find("expires"); e != j.end()) {
        if (!e->is_number_integer() && !e->is_number_unsigned()) return false;
        if (e->is_number_unsigned() && e->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return false;
        c.expiresMs = e->get<std::int64_t>();
        if (c.expiresMs < 0) return false;
    }
    out = std::move(c);
    return true;
}

bool isValidId(const std::string& id) {
    // Runs of alphanumerics separated by exactly one ' ', '_' or '-'; no separator at either end.
    if (id.empty()) return false;
    bool needAlnum = true;
    for (char c : id) {
        if (isAlnum(c)) {
            needAlnum = false;
        } else if (c == ' ' || c == '_' || c == '-') {
            if (needAlnum) return false;
            needAlnum = true;
        } else {
            return false;
        }
    }
    return !needAlnum;
}

std::string percentEncode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (isAlnum(static_cast<char>(c)) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::string randomBase36(std::size_t length) {
    static const char* alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::uniform_int_distribution<int> pick(0, 35);
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < length; ++i) out.push_back(alphabet[pick(engine())]);
    return out;
}

std::string randomToken() {
    return randomBase36(11);
}

std::string randomId(const std::string& prefix) {
    std::string id = isValidId(prefix) ? prefix : std::string("kefu");
    return id + randomBase36(16);
}

} // namespace kefu::peerjs
