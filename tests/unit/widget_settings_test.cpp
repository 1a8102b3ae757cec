// The loader's settings object as the widget reads it: known fields, overrides, bounds, and garbage or
// wrong types that keep the defaults.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "widget_harness.hpp"

using namespace kefu;
using namespace kefu::widgettest;
using json = nlohmann::json;

// ---- settings ----

TEST(WidgetSettings, ReadsTheLoaderObject) {
    const WidgetSettings s = parseWidgetSettings(
        R"({"server":"https://chat.example.com//","kefu":"kefu2","lang":"zh-CN","position":"left",
            "token":"tok","visitorId":"v_7","readSeq":"42","tzOffsetMin":480,"hasMedia":false,
            "user":{"name":"张三"},"assets":"https://cdn.example.com/","unknown":[1,2]})");
    EXPECT_EQ(s.server, "https://chat.example.com");
    EXPECT_EQ(s.kefu, "kefu2");
    EXPECT_EQ(s.lang, "zh-CN");
    EXPECT_EQ(s.side, Side::Left);
    EXPECT_EQ(s.token, "tok");
    EXPECT_EQ(s.visitorId, "v_7");
    EXPECT_EQ(s.readSeq, 42);
    EXPECT_EQ(s.tzOffsetMin, 480);
    EXPECT_FALSE(s.hasMedia);
    EXPECT_EQ(json::parse(s.userJson), json::parse(R"({"name":"张三"})"));

    const WidgetSettings right = parseWidgetSettings(R"({"server":"http://127.0.0.1:8080/","position":"right"})");
    EXPECT_EQ(right.server, "http://127.0.0.1:8080");
    EXPECT_EQ(right.side, Side::Right);
    EXPECT_EQ(right.lang, "en");
    EXPECT_TRUE(right.token.empty());
    EXPECT_TRUE(right.visitorId.empty());
    EXPECT_EQ(parseWidgetSettings(R"({"position":"top"})").side, Side::Right);
    EXPECT_EQ(parseWidgetSettings(R"({"lang":""})").lang, "en");
    EXPECT_TRUE(parseWidgetSettings(R"({"user":"张三"})").userJson.empty());
    // The loader saves a missing identity as null.
    EXPECT_TRUE(parseWidgetSettings(R"({"token":null,"visitorId":null})").token.empty());
}

TEST(WidgetSettings, PeerOverridesFromDataAttributesOrNumbers) {
    // data-* attributes arrive as strings, window.KefuSettings may use numbers and booleans.
    WidgetSettings s = parseWidgetSettings(
        R"({"peerHost":"peer.example.org","peerPort":"8443","peerPath":"/p","peerKey":"k","peerSecure":"true"})");
    EXPECT_EQ(s.peerHost, "peer.example.org");
    EXPECT_EQ(s.peerPort, 8443);
    EXPECT_EQ(s.peerPath, "/p");
    EXPECT_EQ(s.peerKey, "k");
    EXPECT_EQ(s.peerSecure, 1);

    s = parseWidgetSettings(R"({"peerPort":9000,"peerSecure":true})");
    EXPECT_EQ(s.peerPort, 9000);
    EXPECT_EQ(s.peerSecure, 1);
    EXPECT_EQ(parseWidgetSettings(R"({"peerSecure":"1"})").peerSecure, 1);
    EXPECT_EQ(parseWidgetSettings(R"({"peerSecure":"false"})").peerSecure, 0);
    EXPECT_EQ(parseWidgetSettings(R"({"peerSecure":false})").peerSecure, 0);
    EXPECT_EQ(parseWidgetSettings(R"({})").peerSecure, -1); // keep the server's
    EXPECT_EQ(parseWidgetSettings(R"({})").peerPort, 0);
    EXPECT_EQ(parseWidgetSettings(R"({"peerPort":"abc"})").peerPort, 0);
}

TEST(WidgetSettings, IceServersAsArrayOrJsonString) {
    const std::string expected = json::parse(R"([{"urls":"turn:turn.example.com","username":"u"}])").dump();
    EXPECT_EQ(parseWidgetSettings(R"({"iceServers":[{"urls":"turn:turn.example.com","username":"u"}]})").iceServersJson,
              expected);
    EXPECT_EQ(parseWidgetSettings(R"({"iceServers":"[{\"urls\":\"turn:turn.example.com\",\"username\":\"u\"}]"})")
                  .iceServersJson,
              expected);
    EXPECT_TRUE(parseWidgetSettings(R"({"iceServers":"not json"})").iceServersJson.empty());
    EXPECT_TRUE(parseWidgetSettings(R"({"iceServers":"{\"urls\":\"stun:x\"}"})").iceServersJson.empty());
    EXPECT_TRUE(parseWidgetSettings(R"({"iceServers":{"urls":"stun:x"}})").iceServersJson.empty());
    EXPECT_EQ(parseWidgetSettings(R"({"iceServers":[]})").iceServersJson, "[]");
}

TEST(WidgetSettings, RingTimeoutWithinBoundsOtherwiseThirtySeconds) {
    auto ring = [](const std::string& value) {
        return parseWidgetSettings(R"({"ringTimeout":)" + value + "}").ringTimeoutS;
    };
    EXPECT_EQ(ring("1"), 1);
    EXPECT_EQ(ring("45"), 45);
    EXPECT_EQ(ring("600"), 600);
    EXPECT_EQ(ring(R"("20")"), 20);
    EXPECT_EQ(ring("0"), 30);
    EXPECT_EQ(ring("601"), 30);
    EXPECT_EQ(ring("-5"), 30);
    EXPECT_EQ(ring(R"("soon")"), 30);
    EXPECT_EQ(ring("null"), 30);
    EXPECT_EQ(parseWidgetSettings("{}").ringTimeoutS, 30);
}

TEST(WidgetSettings, GarbageKeepsTheDefaults) {
    for (const char* text : {"", "{not json", "[1,2,3]", "\"server\"", "null", "42"}) {
        SCOPED_TRACE(text);
        const WidgetSettings s = parseWidgetSettings(text);
        EXPECT_EQ(s.server, "");
        EXPECT_EQ(s.lang, "en");
        EXPECT_EQ(s.side, Side::Right);
        EXPECT_EQ(s.ringTimeoutS, 30);
        EXPECT_EQ(s.peerSecure, -1);
        EXPECT_EQ(s.peerPort, 0);
        EXPECT_TRUE(s.hasMedia);
        EXPECT_TRUE(s.iceServersJson.empty());
    }
}

TEST(WidgetSettings, WrongTypesKeepTheDefaults) {
    WidgetSettings s;
    ASSERT_NO_THROW(s = parseWidgetSettings(
                        R"({"server":42.5,"lang":["zh"],"hasMedia":"no","ringTimeout":12.5,"peerPort":{"n":1}})"));
    EXPECT_EQ(s.server, "");
    EXPECT_EQ(s.lang, "en");
    EXPECT_TRUE(s.hasMedia);
    EXPECT_EQ(s.ringTimeoutS, 30);
    EXPECT_EQ(s.peerPort, 0);
    EXPECT_FALSE(parseWidgetSettings(R"({"hasMedia":false})").hasMedia);
}
