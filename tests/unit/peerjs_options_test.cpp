#include "core/peerjs/options.hpp"

#include <gtest/gtest.h>

#include <set>

using kefu::peerjs::isValidId;
using kefu::peerjs::Options;

namespace {

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

TEST(PeerjsOptions, DefaultPathUrls) {
    Options o;
    o.host = "peer.example.com";
    o.port = 9000;
    EXPECT_EQ(o.normalizedPath(), "/");
    EXPECT_EQ(o.socketUrl("kefuabc", "tok123"),
              "ws://peer.example.com:9000/peerjs?key=peerjs&id=kefuabc&token=tok123&version=1.5.5");
    const std::string id = o.idUrl(1764000000000);
    EXPECT_TRUE(startsWith(id, "http://peer.example.com:9000/peerjs/id?ts=17640000000000.")) << id;
    EXPECT_NE(id.find("&version=1.5.5"), std::string::npos);
}

TEST(PeerjsOptions, CustomKeyAndPathAreNormalised) {
    Options o;
    o.host = "example.org";
    o.port = 8080;
    o.key = "kefukey";
    for (const char* p : {"/myapp", "myapp", "myapp/", "/myapp/"}) {
        o.path = p;
        EXPECT_EQ(o.normalizedPath(), "/myapp/") << p;
        EXPECT_EQ(o.socketUrl("a", "b"), "ws://example.org:8080/myapp/peerjs?key=kefukey&id=a&token=b&version=1.5.5");
        EXPECT_TRUE(startsWith(o.idUrl(1), "http://example.org:8080/myapp/kefukey/id?ts=1")) << o.idUrl(1);
    }
    o.path = "";
    EXPECT_EQ(o.normalizedPath(), "/");
}

TEST(PeerjsOptions, SecureUsesTlsSchemes) {
    Options o;
    o.host = "kefu.example.com";
    o.port = 443;
    o.path = "/peerjs";
    o.secure = true;
    EXPECT_EQ(o.socketUrl("x", "y"), "wss://kefu.example.com:443/peerjs/peerjs?key=peerjs&id=x&token=y&version=1.5.5");
    EXPECT_TRUE(startsWith(o.idUrl(5), "https://kefu.example.com:443/peerjs/peerjs/id?ts=5"));
    EXPECT_EQ(o.httpBase(), "https://kefu.example.com:443/peerjs/");
}

TEST(PeerjsOptions, QueryValuesArePercentEncoded) {
    Options o;
    o.host = "h";
    o.port = 1;
    o.key = "k&y";
    EXPECT_EQ(o.socketUrl("a b", "t=1"), "ws://h:1/peerjs?key=k%26y&id=a%20b&token=t%3D1&version=1.5.5");
    EXPECT_EQ(kefu::peerjs::percentEncode("Az09-._~ /?%"), "Az09-._~%20%2F%3F%25");
}

TEST(PeerjsOptions, Ipv6HostGetsBrackets) {
    Options o;
    o.host = "::1";
    o.port = 9000;
    EXPECT_EQ(o.socketUrl("a", "b"), "ws://[::1]:9000/peerjs?key=peerjs&id=a&token=b&version=1.5.5");
}

TEST(PeerjsOptions, IdValidationFollowsPeerjsRule) {
    for (const char* ok : {"a", "abc123", "A-b_c d", "kefu1", "116d910d-acb8-467f-bcb8-2dfb4176703b", "x y"})
        EXPECT_TRUE(isValidId(ok)) << ok;
    for (const char* bad : {"", "-a", "a-", "a--b", "a _b", " a", "a ", "a.b", "a/b", "é", "a\tb", "_"})
        EXPECT_FALSE(isValidId(bad)) << bad;
}

TEST(PeerjsOptions, RandomIdsAndTokens) {
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        const std::string id = kefu::peerjs::randomId("kefu");
        EXPECT_TRUE(startsWith(id, "kefu")) << id;
        EXPECT_EQ(id.size(), 20u);
        EXPECT_TRUE(isValidId(id)) << id;
        seen.insert(id);
        const std::string token = kefu::peerjs::randomToken();
        EXPECT_EQ(token.size(), 11u);
        EXPECT_EQ(token.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz"), std::string::npos);
    }
    EXPECT_EQ(seen.size(), 50u);
    EXPECT_TRUE(startsWith(kefu::peerjs::randomId("bad prefix-"), "kefu")); // an invalid prefix is replaced
}

TEST(PeerjsOptions, ParsesConfigPeerObject) {
    Options o;
    ASSERT_TRUE(
        kefu::peerjs::parseOptions(R"({"host":"127.0.0.1","port":8080,"path":"/peerjs","key":"kk","secure":true})", o));
    EXPECT_EQ(o.host, "127.0.0.1");
    EXPECT_EQ(o.port, 8080);
    EXPECT_EQ(o.normalizedPath(), "/peerjs/");
    EXPECT_EQ(o.key, "kk");
    EXPECT_TRUE(o.secure);
    Options untouched;
    EXPECT_FALSE(kefu::peerjs::parseOptions("not json", untouched));
    EXPECT_FALSE(kefu::peerjs::parseOptions("[1]", untouched));
    EXPECT_EQ(untouched.host, Options{}.host);
    ASSERT_TRUE(kefu::peerjs::parseOptions(R"({"port":"x","host":5})", untouched)); // wrong types keep defaults
    EXPECT_EQ(untouched.port, Options{}.port);
}
