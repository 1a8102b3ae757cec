// The widget's config (GET /api/config): kefu, welcome, peer server, ICE servers, TURN and limits.
#include "core/protocol.hpp"

#include "core/protocol_fields.hpp"

namespace kefu {

using namespace protocol_fields;

Parsed<ServerConfig> parseServerConfig(std::string_view body) {
    Parsed<ServerConfig> r;
    try {
        std::string why;
        const json j = parseJson(body, &why);
        if (!j.is_object()) {
            r.error = why.empty() ? "config is not a JSON object" : "config " + why;
            return r;
        }
        ServerConfig& c = r.value;
        // The config is advisory: fields of the wrong type keep their defaults instead of failing the whole
        // widget.
        auto kefu = j.find("kefu");
        if (kefu != j.end() && kefu->is_object()) {
            optString(*kefu, "id", c.kefuId);
            optString(*kefu, "name", c.kefuName);
        }
        auto welcome = j.find("welcome");
        if (welcome != j.end() && welcome->is_object()) {
            for (auto it = welcome->begin(); it != welcome->end(); ++it)
                if (it.value().is_string()) c.welcome[it.key()] = it.value().get<std::string>();
        } else if (welcome != j.end() && welcome->is_string()) {
            c.welcome[""] = welcome->get<std::string>();
        }
        auto peer = j.find("peer");
        if (peer != j.end() && peer->is_object()) {
            optString(*peer, "host", c.peer.host);
            optString(*peer, "path", c.peer.path);
            optString(*peer, "key", c.peer.key);
            optBool(*peer, "secure", c.peer.secure);
            optString(*peer, "auth", c.peer.auth);
            std::int64_t port = c.peer.port;
            if (optInt(*peer, "port", port)) c.peer.port = clampInt(port, 0, 65535);
        }
        auto ice = j.find("iceServers");
        if (ice != j.end() && ice->is_array()) {
            c.iceServersJson = dump(*ice);
            for (const auto& s : *ice) {
                if (!s.is_object()) continue;
                IceServer server;
                auto urls = s.find("urls");
                if (urls == s.end()) urls = s.find("url");
                if (urls != s.end() && urls->is_string())
                    server.urls.push_back(urls->get<std::string>());
                else if (urls != s.end() && urls->is_array())
                    for (const auto& u : *urls)
                        if (u.is_string()) server.urls.push_back(u.get<std::string>());
                optString(s, "username", server.username);
                optString(s, "credential", server.credential);
                if (!server.urls.empty()) c.iceServers.push_back(std::move(server));
            }
        }
        optBool(j, "turnCredentials", c.turnCredentials);
        auto limits = j.find("limits");
        if (limits != j.end() && limits->is_object()) {
            std::int64_t max = c.maxMessageChars;
            if (optInt(*limits, "maxMessageChars", max) && max > 0) c.maxMessageChars = clampInt(max, 1, 1000000);
            // Both or neither: a window without its count (or the reverse) says nothing usable.
            std::int64_t per = 0, window = 0;
            if (optInt(*limits, "messagesPerWindow", per) && optInt(*limits, "rateWindowMs", window) && per > 0 &&
                window > 0) {
                c.messagesPerWindow = clampInt(per, 1, 100000);
                c.rateWindowMs = clampInt(window, 100, 3600000);
            }
        }
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

} // namespace kefu
