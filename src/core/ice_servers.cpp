#include "core/ice_servers.hpp"

#include "core/untrusted_json.hpp"

#include <nlohmann/json.hpp>

namespace kefu {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxBody = 16 * 1024;
constexpr int kMaxDepth = 4; // containers: root object > iceServers array > server object > urls array
constexpr std::size_t kMaxServers = 16, kMaxUrls = 8, kMaxField = 512;
constexpr std::int64_t kMarginMs = 60 * 1000; // credentials this close to their end count as expired
constexpr std::int64_t kMinRenewMs = 5 * 1000;

bool plainText(const std::string& s) {
    if (s.empty() || s.size() > kMaxField) return false;
    for (unsigned char c : s)
        if (c < 0x21 || c == 0x7f) return false;
    return true;
}

bool iceUrl(const std::string& u, bool& turn) {
    if (!plainText(u)) return false;
    turn = u.rfind("turn:", 0) == 0 || u.rfind("turns:", 0) == 0;
    return turn || u.rfind("stun:", 0) == 0 || u.rfind("stuns:", 0) == 0;
}

bool field(const json& obj, const char* key, std::string& out) {
    auto it = obj.find(key);
    if (it == obj.end()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return out.size() <= kMaxField;
}

bool server(const json& s, IceServer& out) {
    if (!s.is_object()) return false;
    for (auto it = s.begin(); it != s.end(); ++it)
        if (it.key() != "urls" && it.key() != "username" && it.key() != "credential") return false;
    auto urls = s.find("urls");
    if (urls == s.end()) return false;
    if (urls->is_string()) {
        out.urls.push_back(urls->get<std::string>());
    } else if (urls->is_array() && !urls->empty() && urls->size() <= kMaxUrls) {
        for (const json& u : *urls) {
            if (!u.is_string()) return false;
            out.urls.push_back(u.get<std::string>());
        }
    } else {
        return false;
    }
    bool anyTurn = false;
    for (const std::string& u : out.urls) {
        bool turn = false;
        if (!iceUrl(u, turn)) return false;
        anyTurn = anyTurn || turn;
    }
    if (!field(s, "username", out.username) || !field(s, "credential", out.credential)) return false;
    // The browser refuses a TURN server without both (the whole RTCPeerConnection would fail).
    return !anyTurn || (!out.username.empty() && !out.credential.empty());
}

} // namespace

Parsed<IceServersAnswer> parseIceServersAnswer(std::string_view body) {
    Parsed<IceServersAnswer> r;
    if (body.size() > kMaxBody) {
        r.error = "ICE servers answer too large";
        return r;
    }
    const JsonInput in = parseUntrusted(body, kMaxDepth);
    if (in.tooDeep) {
        r.error = "ICE servers answer nested too deeply";
        return r;
    }
    const json& j = in.value;
    if (!j.is_object()) {
        r.error = "ICE servers answer is not a JSON object";
        return r;
    }
    auto list = j.find("iceServers");
    auto expires = j.find("expires");
    if (list == j.end() || !list->is_array() || list->size() > kMaxServers) {
        r.error = "ICE servers answer without an iceServers list";
        return r;
    }
    if (expires == j.end() || !expires->is_number_integer() || expires->get<std::int64_t>() <= 0) {
        r.error = "ICE servers answer without expires";
        return r;
    }
    for (const json& s : *list) {
        IceServer server1;
        if (!server(s, server1)) {
            r.error = "ICE servers answer with a malformed server";
            return r;
        }
        r.value.servers.push_back(std::move(server1));
    }
    r.value.expiresMs = expires->get<std::int64_t>();
    r.ok = true;
    return r;
}

std::string iceServersJson(const std::vector<IceServer>& servers) {
    json a = json::array();
    for (const IceServer& s : servers) {
        json o = {{"urls", s.urls}};
        if (!s.username.empty()) o["username"] = s.username;
        if (!s.credential.empty()) o["credential"] = s.credential;
        a.push_back(std::move(o));
    }
    return a.dump();
}

IceCredentials::IceCredentials(Scheduler& scheduler, HttpFn http) : scheduler_(scheduler), http_(std::move(http)) {}

IceCredentials::~IceCredentials() {
    cancelTimers();
}

void IceCredentials::cancelTimers() {
    for (TimerId* t : {&renewTimer_, &expireTimer_}) {
        if (*t) scheduler_.cancel(*t);
        *t = 0;
    }
}

void IceCredentials::configure(const std::string& apiBase, const std::string& token, bool offered) {
    if (apiBase == apiBase_ && token == token_ && offered == offered_) return;
    apiBase_ = apiBase;
    token_ = token;
    offered_ = offered;
    ++generation_; // an answer for the old identity is not ours any more
    inFlight_ = false;
    drop();
    if (wanted_) refresh();
}

void IceCredentials::refresh() {
    wanted_ = true;
    if (!offered_ || token_.empty() || apiBase_.empty() || inFlight_ || !http_) return;
    fetch();
}

void IceCredentials::fetch() {
    inFlight_ = true;
    const unsigned gen = generation_;
    http_("POST", apiBase_ + "/api/ice-servers", "{}", token_,
          alive_.guard([this, gen](HttpResponse r) { handle(gen, r); }));
}

void IceCredentials::handle(unsigned gen, const HttpResponse& r) {
    if (gen != generation_) return;
    inFlight_ = false;
    const auto warn = [this](const std::string& w) {
        if (warnCb_) warnCb_("TURN credentials unavailable, calls use the configured servers only: " + w);
    };
    if (r.status != 200) return warn(r.status ? "HTTP " + std::to_string(r.status) : "network error");
    Parsed<IceServersAnswer> a = parseIceServersAnswer(r.body);
    if (!a.ok) return warn(a.error);
    const std::int64_t now = scheduler_.nowMs();
    const std::int64_t left = a.value.expiresMs - now;
    if (left <= kMarginMs) return warn("they expire too soon (is the clock right?)");
    cancelTimers();
    json_ = kefu::iceServersJson(a.value.servers);
    expiresMs_ = a.value.expiresMs;
    // Fetched again well before the end (a page left open for hours keeps a usable relay), dropped
    // shortly before it in case that fails. Both delays fit an int: the backend caps the lifetime at 7 days.
    const std::int64_t renew = std::max(kMinRenewMs, left * 4 / 5);
    renewTimer_ = scheduler_.after(static_cast<int>(std::min<std::int64_t>(renew, 0x7fffffff)), alive_.guard([this] {
        renewTimer_ = 0;
        refresh();
    }));
    expireTimer_ =
        scheduler_.after(static_cast<int>(std::min<std::int64_t>(left - kMarginMs, 0x7fffffff)), alive_.guard([this] {
            expireTimer_ = 0;
            drop();
        }));
    if (changeCb_) changeCb_();
}

void IceCredentials::drop() {
    cancelTimers();
    const bool had = !json_.empty();
    json_.clear();
    expiresMs_ = 0;
    if (had && changeCb_) changeCb_();
}

std::string IceCredentials::iceServersJson(const std::string& fallback) const {
    return json_.empty() ? fallback : json_;
}

} // namespace kefu
