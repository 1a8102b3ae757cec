// The call controller as a state machine: the visitor's clicks, the browser's media and RTCPeerConnection
// answers, the PeerJS server's frames, the chat socket's call frames and the backend's replies, in any
// order. The fakes keep the platform's own promises (a callback runs at most once, nothing is emitted by a
// closed connection), so whatever breaks is the controller's.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "call_fakes.hpp"
#include "fuzz_input.hpp"

using namespace kefu;

namespace {

// The connection id of the newest OFFER the widget sent, for answers that match it.
std::string offeredConnection(const calltest::FakeSockets& sockets) {
    for (auto rec = sockets.records.rbegin(); rec != sockets.records.rend(); ++rec)
        for (auto f = (*rec)->sent.rbegin(); f != (*rec)->sent.rend(); ++f) {
            const auto j = nlohmann::json::parse(*f, nullptr, false);
            if (j.is_object() && j.value("type", "") == "OFFER" && j["payload"].is_object())
                return j["payload"].value("connectionId", "");
        }
    return "mc_none";
}

void pcStep(fuzz::Script& s, calltest::PcRecord& pc) {
    const bool live = pc.pc && !pc.closed;
    switch (s.pick(10)) {
    case 0: s.flip() ? pc.resolveOffer() : pc.rejectOffer(); break;
    case 1: pc.resolveLocal(s.pick(4) != 0); break;
    case 2: pc.resolveRemote(s.pick(4) != 0); break;
    case 3: {
        static const char* const kStates[] = {"new",          "checking", "connected", "completed",
                                              "disconnected", "failed",   "closed"};
        if (live) pc.pc->emitIceConnectionState(s.pick(8) ? kStates[s.pick(7)] : s.text(10));
        break;
    }
    case 4:
        if (live) pc.pc->emitConnectionState(s.flip() ? "connected" : "failed");
        break;
    case 5:
        if (live) pc.pc->emitRemoteTrack(s.flip() ? MediaKind::Audio : MediaKind::Video, 90 + int(s.pick(3)));
        break;
    case 6:
        if (live) pc.pc->emitDataChannelOpen();
        break;
    case 7:
        if (live) pc.pc->emitDataChannelClose();
        break;
    case 8:
        if (live)
            pc.pc->emitLocalCandidate(
                s.flip() ? R"({"candidate":"candidate:1 1 udp 1 10.0.0.1 5 typ host","sdpMid":"0"})" : s.text(60));
        break;
    default: {
        std::vector<RtcPeerConnection::DoneCallback> pending; // answering may add candidates: copy first
        for (auto& c : pc.candidates)
            if (c.second) pending.push_back(std::exchange(c.second, nullptr));
        for (auto& done : pending) done(s.flip(), "");
        break;
    }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Script s(data, size);
    calltest::FakeScheduler clock;
    calltest::FakeSockets sockets;
    calltest::FakeHttp http;
    calltest::FakeMediaDevices devices;
    calltest::FakeRtc rtc;
    devices.micAllowed = s.flip();
    devices.cameraAllowed = s.flip();
    auto call = std::make_unique<CallController>(calltest::CallHarness::config(), clock, sockets.factory(), http.fn(),
                                                 devices, rtc.factory());
    std::int64_t seq = 0;

    for (int step = 0; step < 400 && s.more(); ++step) {
        CallController& c = *call;
        switch (s.pick(20)) {
        case 0: c.start(s.flip()); break;
        case 1: c.hangup(); break;
        case 2: c.prepare(); break;
        case 3:
            if (!devices.requests.empty() && !devices.requests.back().answered) devices.grant(s.pick(5) != 0, s.flip());
            break;
        case 4: {
            static const char* const kErrors[] = {"NotAllowedError", "NotFoundError", "NotReadableError", "TypeError"};
            if (!devices.requests.empty() && !devices.requests.back().answered) devices.deny(kErrors[s.pick(4)]);
            break;
        }
        case 5:
            if (sockets.size()) sockets.last().open();
            break;
        case 6:
            if (sockets.size()) sockets.last().receive(fuzz::peerFrame(s, offeredConnection(sockets)));
            break;
        case 7:
            if (sockets.size()) sockets.last().serverClose(fuzz::closeCode(s));
            break;
        case 8:
            if (!http.requests.empty()) {
                const std::size_t i = s.pick(unsigned(http.requests.size()));
                const std::string url = http.requests[i].url;
                const int status = fuzz::httpStatus(s);
                http.respond(i, status, fuzz::httpBody(s, url, seq));
            }
            break;
        case 9: c.onAccept(s.pick(4) ? "agent1" : s.text(12)); break;
        case 10: c.onReject(s.flip() ? "busy" : s.text(8)); break;
        case 11: c.onRemoteHangup(s.text(8)); break;
        case 12: c.onSwitchDeclined(); break;
        case 13: c.setMuted(s.flip()); break;
        case 14: c.setCameraEnabled(s.flip()); break;
        case 15: c.switchMedia(s.flip()); break;
        case 16:
            if (rtc.size()) pcStep(s, *rtc.records[s.pick(unsigned(rtc.size()))]);
            break;
        case 17: clock.advance(s.delay()); break;
        case 18: c.setStandingPeer(s.pick(3) ? "agent1" : s.text(12)); break;
        default: {
            CallConfig cfg = c.config();
            if (s.flip()) cfg.iceServersJson = s.text(60);
            if (s.flip()) cfg.peer.host = s.text(12);
            cfg.ringTimeoutMs = s.delay();
            c.setConfig(cfg);
            break;
        }
        }
    }
    if (s.flip()) call->shutdown();
    call.reset();
    clock.advance(120000);
    return 0;
}
