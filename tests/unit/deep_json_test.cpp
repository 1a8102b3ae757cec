// JSON nested absurdly deep, through every decoder of untrusted input. The parser itself copes; what used
// to break was the recursive copy/dump of the value afterwards, which traps the wasm build (256 KiB stack)
// at ~1,650 levels. Each decoder must refuse such a document instead, and the refusal must not need the
// stack either: the "small stack" tests run the decoders on a thread with the wasm stack size.
#include <gtest/gtest.h>

#include <pthread.h>

#include <functional>
#include <string>

#include "core/peerjs/messages.hpp"
#include "core/peerjs/options.hpp"
#include "core/protocol.hpp"
#include "core/untrusted_json.hpp"
#include "core/widget.hpp"
#include "json_eq.hpp"

using kefu::test::J;

using namespace kefu;

namespace {

constexpr int kDeep = 20000; // far past what a 256 KiB stack can walk recursively

// `depth` arrays inside each other around `core`.
std::string nested(int depth, const std::string& core = "1") {
    return std::string(static_cast<std::size_t>(depth), '[') + core + std::string(static_cast<std::size_t>(depth), ']');
}

// Runs `fn` on a thread with the widget's wasm stack size; a stack overflow kills the test binary.
void onWasmSizedStack(const std::function<void()>& fn) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t t;
    auto run = [](void* p) -> void* {
        (*static_cast<const std::function<void()>*>(p))();
        return nullptr;
    };
    ASSERT_EQ(pthread_create(&t, &attr, run, const_cast<std::function<void()>*>(&fn)), 0);
    pthread_join(t, nullptr);
    pthread_attr_destroy(&attr);
}

std::string deepOffer(int depth) {
    return R"({"type":"OFFER","src":"agent1","dst":"me","payload":{"sdp":{"type":"offer","sdp":"v=0"},)"
           R"("type":"media","connectionId":"mc_1","metadata":)" +
           nested(depth) + "}}";
}

} // namespace

TEST(UntrustedJson, AcceptsNestingUpToTheLimitAndRefusesDeeper) {
    EXPECT_TRUE(parseUntrusted(nested(kMaxJsonDepth)).value.is_array());
    const JsonInput deep = parseUntrusted(nested(kMaxJsonDepth + 1));
    EXPECT_TRUE(deep.value.is_discarded());
    EXPECT_TRUE(deep.tooDeep);
    const JsonInput broken = parseUntrusted("{\"a\":");
    EXPECT_TRUE(broken.value.is_discarded());
    EXPECT_FALSE(broken.tooDeep);
}

TEST(UntrustedJson, PrunedKeepsTheMembersThatAreFine) {
    std::size_t pruned = 0;
    const JsonInput obj = parseUntrustedPruned(R"({"a":1,"deep":)" + nested(kDeep) + R"(,"b":"x"})", pruned);
    ASSERT_TRUE(obj.value.is_object());
    EXPECT_EQ(pruned, 1u);
    EXPECT_EQ(obj.value.dump(), R"({"a":1,"b":"x"})");
    const JsonInput arr = parseUntrustedPruned("[1," + nested(kDeep) + R"(,{"k":[2]},3])", pruned);
    EXPECT_EQ(pruned, 1u);
    EXPECT_EQ(arr.value.dump(), R"([1,{"k":[2]},3])");
}

TEST(DeepJson, PeerjsOfferWithDeepMetadataIsMalformed) {
    // Any party that knows the visitor's peer id can have the server relay this.
    EXPECT_EQ(peerjs::parseServerMessage(deepOffer(kDeep)).type, peerjs::MessageType::Malformed);
    const auto fine = peerjs::parseServerMessage(deepOffer(3));
    EXPECT_EQ(fine.type, peerjs::MessageType::Offer);
    EXPECT_EQ(fine.metadataJson, "[[[1]]]");
    const std::string deepCandidate =
        R"({"type":"CANDIDATE","src":"agent1","payload":{"type":"media","connectionId":"mc_1",)"
        R"("candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdpMid":"0","x":)" +
        nested(kDeep) + "}}}";
    EXPECT_EQ(peerjs::parseServerMessage(deepCandidate).type, peerjs::MessageType::Malformed);
    // What the widget sends on is checked too.
    EXPECT_EQ(
        J(peerjs::encodeOffer("a", "mc_1", "x", nested(kDeep))),
        J(R"({"type":"OFFER","payload":{"sdp":{"type":"offer","sdp":"x"},"type":"media","connectionId":"mc_1"},"dst":"a"})"));
}

TEST(DeepJson, ServerFramesNestedTooDeepAreMalformed) {
    const DecodeResult r = decodeServerFrame(R"({"type":"pong","data":{"x":)" + nested(kDeep) + "}}");
    ASSERT_TRUE(std::holds_alternative<frame::Malformed>(r));
    EXPECT_NE(std::get<frame::Malformed>(r).reason.find("nested deeper"), std::string::npos);
    const Parsed<HistoryPage> page = parseHistoryPage(R"({"messages":[)" + nested(kDeep) + "]}");
    EXPECT_FALSE(page.ok);
    EXPECT_FALSE(parseMessage(nested(kDeep)).ok);
    EXPECT_FALSE(parseVisitorCreated(R"({"token":"t","x":)" + nested(kDeep) + "}").ok);
}

TEST(DeepJson, ConfigWithDeepIceServersIsRefused) {
    const Parsed<ServerConfig> c = parseServerConfig(R"({"iceServers":[{"urls":"stun:a","x":)" + nested(kDeep) + "}]}");
    EXPECT_FALSE(c.ok);
    EXPECT_NE(c.error.find("nested deeper"), std::string::npos);
    EXPECT_TRUE(parseServerConfig(R"({"iceServers":[{"urls":"stun:a"}]})").ok);
}

TEST(DeepJson, UserWithDeepAttrsIsRefused) {
    const Parsed<std::string> patch = encodeUserPatch(R"({"name":"Ann","attrs":{"a":)" + nested(kDeep) + "}}");
    EXPECT_FALSE(patch.ok);
    EXPECT_EQ(userName(R"({"name":"Ann","attrs":)" + nested(kDeep) + "}"), "");
    EXPECT_TRUE(encodeUserPatch(R"({"name":"Ann","attrs":{"plan":{"tier":["gold"]}}})").ok);
}

TEST(DeepJson, HostPageSettingsNestedTooDeepAreLeftOutAndReported) {
    const std::string settings =
        R"({"server":"https://chat.example.com","lang":"zh-CN","user":{"name":"Ann","attrs":)" + nested(kDeep) +
        R"(},"iceServers":)" + nested(kDeep) + "}";
    const WidgetSettings s = parseWidgetSettings(settings);
    EXPECT_EQ(s.server, "https://chat.example.com"); // the rest still works
    EXPECT_EQ(s.lang, "zh-CN");
    EXPECT_EQ(s.userJson, "");
    EXPECT_EQ(s.iceServersJson, "");
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_NE(s.warnings[0].find("2 setting(s) nested deeper"), std::string::npos);

    const WidgetSettings str = parseWidgetSettings(R"({"iceServers":")" + nested(kDeep) + R"("})");
    EXPECT_EQ(str.iceServersJson, "");
    ASSERT_EQ(str.warnings.size(), 1u);
    EXPECT_NE(str.warnings[0].find("nested too deep"), std::string::npos);
}

TEST(DeepJson, PeerOptionsNestedTooDeepAreRefused) {
    peerjs::Options o;
    EXPECT_FALSE(peerjs::parseOptions(R"({"host":"h","x":)" + nested(kDeep) + "}", o));
}

TEST(DeepJson, DecodersSurviveOnAWasmSizedStack) {
    const std::string deep = nested(kDeep);
    onWasmSizedStack([&] {
        EXPECT_EQ(peerjs::parseServerMessage(deepOffer(kDeep)).type, peerjs::MessageType::Malformed);
        EXPECT_TRUE(std::holds_alternative<frame::Malformed>(decodeServerFrame(R"({"type":"x","data":)" + deep + "}")));
        EXPECT_FALSE(parseServerConfig(R"({"iceServers":)" + deep + "}").ok);
        EXPECT_FALSE(encodeUserPatch(R"({"attrs":{"a":)" + deep + "}}").ok);
        EXPECT_EQ(parseWidgetSettings(R"({"user":{"a":)" + deep + "}}").userJson, "");
    });
}
