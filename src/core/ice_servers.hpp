// TURN credentials for the visitor's calls (docs/PROTOCOL.md §3 "ICE servers"). The backend hands them
// out short-lived, to the visitor's token only (POST /api/ice-servers); /api/config lists only servers
// without credentials. The widget asks when a call becomes likely (panel open) and again after every
// call, so each call's connection is made with fresh credentials. A call clicked while they are on
// their way (also a click before the config came) waits for them up to 3 s; after that, or when asking
// fails, the config's list is used. A call taken up after a reload asks as it re-registers.
#pragma once

#include "core/peerjs/alive.hpp"
#include "core/platform.hpp"
#include "core/protocol.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kefu {

struct IceServersAnswer {
    std::vector<IceServer> servers;
    std::int64_t expiresMs = 0;
};

// Strict: any entry that is not exactly {urls: string | [string], username?: string, credential?: string}
// with stun:/stuns:/turn:/turns: urls (and both username and credential for turn:), too deep or too big
// input, or a missing `expires` fails the whole answer. Never throws.
Parsed<IceServersAnswer> parseIceServersAnswer(std::string_view body);

// The RTCPeerConnection `iceServers` array for `servers`, holding only the fields above.
std::string iceServersJson(const std::vector<IceServer>& servers);

class IceCredentials {
  public:
    IceCredentials(Scheduler& scheduler, HttpFn http);
    ~IceCredentials();
    IceCredentials(const IceCredentials&) = delete;
    IceCredentials& operator=(const IceCredentials&) = delete;

    // Where and as whom to ask. `offered`: /api/config says `turnCredentials`. A new token or server
    // drops what was fetched for the old one.
    void configure(const std::string& apiBase, const std::string& token, bool offered);
    // Fetches fresh credentials now, or as soon as there is a token. One request at a time.
    void refresh();
    // A call wants them: fetched as refresh() does unless they were already wanted (held, on their way,
    // or refused: a refusal is not asked again for every click).
    void want() {
        if (!wanted_) refresh();
    }
    // The fetched list while it is valid, else `fallback` (the config's list).
    std::string iceServersJson(const std::string& fallback) const;
    bool valid() const { return !json_.empty(); }
    // Credentials are offered and wanted, none are held, and a request for them is on its way (or waits
    // for the token): a call made now would have no relay of its own.
    bool awaited() const { return offered_ && wanted_ && json_.empty() && (inFlight_ || token_.empty()); }
    std::int64_t expiresMs() const { return expiresMs_; }

    // The list iceServersJson() returns changed (fetched, or expired).
    void onChange(std::function<void()> cb) { changeCb_ = std::move(cb); }
    void onWarning(std::function<void(const std::string&)> cb) { warnCb_ = std::move(cb); }

  private:
    void fetch();
    void handle(unsigned generation, const HttpResponse& r);
    void drop();
    void cancelTimers();

    Scheduler& scheduler_;
    HttpFn http_;
    std::string apiBase_, token_;
    bool offered_ = false;
    bool wanted_ = false;
    bool inFlight_ = false;
    unsigned generation_ = 0;
    std::string json_;
    std::int64_t expiresMs_ = 0;
    TimerId renewTimer_ = 0, expireTimer_ = 0;
    std::function<void()> changeCb_;
    std::function<void(const std::string&)> warnCb_;
    peerjs::AliveToken alive_;
};

} // namespace kefu
