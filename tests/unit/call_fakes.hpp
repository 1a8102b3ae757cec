// In-memory stand-ins for the browser (timers, WebSocket, fetch, getUserMedia, RTCPeerConnection) used by the
// PeerJS and call tests. Everything is manual: a test decides when a timer fires or a promise resolves.
#pragma once

#include "core/call.hpp"
#include "core/media.hpp"
#include "core/platform.hpp"
#include "core/rtc.hpp"
#include "json_eq.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kefu::calltest {

class FakeScheduler : public Scheduler {
  public:
    std::int64_t nowMs() const override { return now_; }
    TimerId after(int delayMs, std::function<void()> fn) override {
        const TimerId id = ++next_;
        timers_[id] = Timer{now_ + std::max(0, delayMs), seq_++, std::move(fn)};
        return id;
    }
    void cancel(TimerId id) override { timers_.erase(id); }

    // Runs every timer due within `ms`, in due order, including timers they schedule.
    void advance(std::int64_t ms) {
        const std::int64_t target = now_ + ms;
        for (;;) {
            auto next = timers_.end();
            for (auto it = timers_.begin(); it != timers_.end(); ++it) {
                if (it->second.due > target) continue;
                if (next == timers_.end() || it->second.due < next->second.due ||
                    (it->second.due == next->second.due && it->second.seq < next->second.seq))
                    next = it;
            }
            if (next == timers_.end()) break;
            now_ = std::max(now_, next->second.due);
            auto fn = std::move(next->second.fn);
            timers_.erase(next);
            fn();
        }
        now_ = target;
    }
    void runPending() { advance(0); }
    std::size_t pendingTimers() const { return timers_.size(); }

  private:
    struct Timer {
        std::int64_t due;
        std::uint64_t seq;
        std::function<void()> fn;
    };
    std::int64_t now_ = 1'700'000'000'000;
    TimerId next_ = 0;
    std::uint64_t seq_ = 0;
    std::map<TimerId, Timer> timers_;
};

// One WebSocket connection attempt, as the server side of a test sees it.
struct SocketRecord {
    std::string url;
    SocketCallbacks cbs;
    std::vector<std::string> sent;
    bool closedByClient = false;
    bool destroyed = false;

    bool usable() const { return !closedByClient && !destroyed; }
    void open() {
        if (usable() && cbs.onOpen) cbs.onOpen();
    }
    void receive(const std::string& text) {
        if (usable() && cbs.onMessage) cbs.onMessage(text);
    }
    void serverClose(int code = 1006) {
        if (usable() && cbs.onClose) cbs.onClose(code);
    }
    std::size_t count(const std::string& frame) const { return test::countJson(sent, frame); }
};

class FakeSockets {
  public:
    SocketFactory factory() {
        return [this](const std::string& url, SocketCallbacks cbs) -> std::unique_ptr<Socket> {
            if (refuse) return nullptr;
            auto rec = std::make_shared<SocketRecord>();
            rec->url = url;
            rec->cbs = std::move(cbs);
            records.push_back(rec);
            return std::make_unique<FakeSocket>(rec);
        };
    }
    SocketRecord& last() { return *records.back(); }
    SocketRecord& at(std::size_t i) { return *records.at(i); }
    std::size_t size() const { return records.size(); }

    std::vector<std::shared_ptr<SocketRecord>> records;
    bool refuse = false;

  private:
    class FakeSocket : public Socket {
      public:
        explicit FakeSocket(std::shared_ptr<SocketRecord> rec) : rec_(std::move(rec)) {}
        ~FakeSocket() override { rec_->destroyed = true; }
        void send(const std::string& text) override {
            if (!rec_->closedByClient) rec_->sent.push_back(text);
        }
        void close() override { rec_->closedByClient = true; }

      private:
        std::shared_ptr<SocketRecord> rec_;
    };
};

struct HttpRequest {
    std::string method, url, body, bearer;
    std::function<void(HttpResponse)> done;
    bool answered = false;
};

class FakeHttp {
  public:
    HttpFn fn() {
        return [this](const std::string& method, const std::string& url, const std::string& body,
                      const std::string& bearer, std::function<void(HttpResponse)> done) {
            requests.push_back(HttpRequest{method, url, body, bearer, std::move(done), false});
        };
    }
    // Answers request `i` (once).
    void respond(std::size_t i, int status, const std::string& body = "") {
        HttpRequest& r = requests.at(i);
        if (r.answered) return;
        r.answered = true;
        auto done = r.done;
        done(HttpResponse{status, body});
    }
    void respondLast(int status, const std::string& body = "") { respond(requests.size() - 1, status, body); }
    std::vector<std::string> bodies() const {
        std::vector<std::string> out;
        for (const auto& r : requests) out.push_back(r.body);
        return out;
    }

    std::vector<HttpRequest> requests;
};

class FakeMediaDevices : public MediaDevices {
  public:
    struct Request {
        bool audio, video;
        Callback done;
        bool answered = false;
    };

    void getUserMedia(bool audio, bool video, Callback done) override {
        requests.push_back(Request{audio, video, std::move(done), false});
    }
    void stopStream(int handle) override {
        stopped.push_back(handle);
        live.erase(handle);
    }
    Permission permission(bool video) const override {
        if (micDenied || (video && cameraDenied)) return Permission::Denied;
        return micAllowed && (!video || cameraAllowed) ? Permission::Granted : Permission::Prompt;
    }
    void setTrackEnabled(int handle, MediaKind kind, bool enabled) override {
        toggles.push_back(std::to_string(handle) + ":" + toString(kind) + ":" + (enabled ? "on" : "off"));
    }

    // Resolves the last request with a stream; returns its handle.
    int grant(bool hasAudio = true, bool hasVideo = false) {
        Request& r = requests.back();
        const int handle = nextHandle++;
        live.insert(handle);
        r.answered = true;
        MediaResult m;
        m.ok = true;
        m.hasAudio = hasAudio;
        m.hasVideo = hasVideo;
        m.streamHandle = handle;
        auto done = r.done;
        done(m);
        return handle;
    }
    int grantFor(bool video) { return grant(true, video); }
    void deny(const std::string& errorName) {
        Request& r = requests.back();
        r.answered = true;
        MediaResult m;
        m.errorName = errorName;
        auto done = r.done;
        done(m);
    }

    std::vector<Request> requests;
    std::set<int> live;
    std::vector<int> stopped;
    std::vector<std::string> toggles;
    int nextHandle = 1;
    bool micAllowed = false, cameraAllowed = false; // the Permissions API says "granted"
    bool micDenied = false, cameraDenied = false;   // it says "denied" (else "prompt")
};

// One RTCPeerConnection as a test sees it. `pc` is null once the object was destroyed.
struct PcRecord {
    std::string iceServers;
    std::vector<std::string> ops; // method calls in order
    RtcPeerConnection::SdpCallback offerCb;
    RtcPeerConnection::DoneCallback localCb, remoteCb;
    std::vector<std::pair<std::string, RtcPeerConnection::DoneCallback>> candidates; // addIceCandidate calls
    bool closed = false;
    RtcPeerConnection* pc = nullptr;

    bool has(const std::string& op) const { return std::find(ops.begin(), ops.end(), op) != ops.end(); }
    void resolveOffer(const std::string& sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n") {
        auto cb = std::exchange(offerCb, nullptr);
        if (cb) cb(true, sdp, "");
    }
    void rejectOffer() {
        auto cb = std::exchange(offerCb, nullptr);
        if (cb) cb(false, "", "OperationError");
    }
    void resolveLocal(bool ok = true) {
        auto cb = std::exchange(localCb, nullptr);
        if (cb) cb(ok, ok ? "" : "InvalidStateError");
    }
    void resolveRemote(bool ok = true) {
        auto cb = std::exchange(remoteCb, nullptr);
        if (cb) cb(ok, ok ? "" : "InvalidAccessError");
    }
    // Offer created and set locally: the OFFER goes out.
    void negotiate() {
        resolveOffer();
        resolveLocal();
    }
    std::vector<std::string> addedCandidates() const {
        std::vector<std::string> out;
        for (const auto& c : candidates) out.push_back(c.first);
        return out;
    }
};

class FakeRtc {
  public:
    RtcPeerConnectionFactory factory() {
        return [this](const std::string& iceServers) -> std::unique_ptr<RtcPeerConnection> {
            if (unavailable) return nullptr;
            auto rec = std::make_shared<PcRecord>();
            rec->iceServers = iceServers;
            records.push_back(rec);
            return std::make_unique<FakePeerConnection>(rec);
        };
    }
    std::unique_ptr<RtcPeerConnection> make() { return factory()("[]"); }
    PcRecord& last() { return *records.back(); }
    std::size_t size() const { return records.size(); }

    std::vector<std::shared_ptr<PcRecord>> records;
    bool unavailable = false;

  private:
    class FakePeerConnection : public RtcPeerConnection {
      public:
        explicit FakePeerConnection(std::shared_ptr<PcRecord> rec) : rec_(std::move(rec)) { rec_->pc = this; }
        ~FakePeerConnection() override { rec_->pc = nullptr; }
        void addSendSlots(bool audio, bool video) override {
            rec_->ops.push_back(std::string("addSendSlots:") + (audio ? "audio" : "") + (audio && video ? "+" : "") +
                                (video ? "video" : ""));
        }
        void fillSendSlots(int h) override { rec_->ops.push_back("fillSendSlots:" + std::to_string(h)); }
        void addRecvOnly(MediaKind k) override { rec_->ops.push_back(std::string("addRecvOnly:") + toString(k)); }
        void createDataChannel(const std::string& label, bool ordered) override {
            rec_->ops.push_back("createDataChannel:" + label + (ordered ? ":ordered" : ":unordered"));
        }
        void createOffer(SdpCallback done) override {
            rec_->ops.push_back("createOffer");
            rec_->offerCb = std::move(done);
        }
        void setLocalDescription(const std::string& type, const std::string&, DoneCallback done) override {
            rec_->ops.push_back("setLocalDescription:" + type);
            rec_->localCb = std::move(done);
        }
        void setRemoteDescription(const std::string& type, const std::string& sdp, DoneCallback done) override {
            rec_->ops.push_back("setRemoteDescription:" + type + ":" + sdp);
            rec_->remoteCb = std::move(done);
        }
        void addIceCandidate(const std::string& json, DoneCallback done) override {
            rec_->ops.push_back("addIceCandidate");
            rec_->candidates.emplace_back(json, std::move(done));
        }
        void close() override {
            rec_->ops.push_back("close");
            rec_->closed = true;
        }

      private:
        std::shared_ptr<PcRecord> rec_;
    };
};

// A CallController wired to all the fakes, with helpers that walk a call through its states.
struct CallHarness {
    static constexpr const char* kCallId = "c_1";
    static constexpr const char* kAgentPeer = "agent1";

    CallHarness() : call(config(), scheduler, sockets.factory(), http.fn(), devices, rtc.factory()) {
        call.onStateChange([this](CallState s, CallEndReason r) {
            states.push_back(toString(s));
            reasons.push_back(r);
        });
    }

    static CallConfig config() {
        CallConfig c;
        c.apiBase = "https://kefu.test";
        c.visitorToken = "vtok";
        c.visitorId = "v_1";
        c.kefuId = "kefu1";
        c.visitorName = "Ann";
        c.peer.host = "peer.test";
        c.peer.port = 9000;
        c.peer.path = "/peerjs";
        c.iceServersJson = R"([{"urls":"stun:stun.test:3478"}])";
        return c;
    }

    SocketRecord& peerServer() { return sockets.last(); }
    PcRecord& pc() { return rtc.last(); }

    void registerPeer() {
        peerServer().open();
        peerServer().receive(R"({"type":"OPEN"})");
    }
    // Index of the POST callpeer request, or -1.
    int callpeerIndex() const {
        for (std::size_t i = 0; i < http.requests.size(); ++i)
            if (http.requests[i].body.find(R"("action":"callpeer")") != std::string::npos) return static_cast<int>(i);
        return -1;
    }
    void answerCallpeer(int status = 200, const std::string& body = R"({"ok":true,"callId":"c_1"})") {
        http.respond(static_cast<std::size_t>(callpeerIndex()), status, body);
    }

    void toRinging(bool video) {
        call.start(video);
        devices.grant(true, video);
        registerPeer();
        answerCallpeer();
    }
    void toConnecting(bool video) {
        toRinging(video);
        call.onAccept(kAgentPeer);
    }
    // The agent's peerjs answers with the connectionId of our OFFER.
    std::string connectionId() const {
        for (const auto& f : sockets.records.back()->sent) {
            const auto j = nlohmann::json::parse(f, nullptr, false);
            if (j.is_object() && j.value("type", "") == "OFFER") return j["payload"].value("connectionId", "");
        }
        return {};
    }
    void agentAnswers() {
        pc().negotiate();
        peerServer().receive(
            R"({"type":"ANSWER","src":"agent1","dst":"me","payload":{"sdp":{"type":"answer","sdp":"v=0 answer"},"type":"media","connectionId":")" +
            connectionId() + R"("}})");
        pc().resolveRemote();
    }
    void toInCall(bool video) {
        toConnecting(video);
        agentAnswers();
        pc().pc->emitRemoteTrack(MediaKind::Audio, 90);
        if (video) pc().pc->emitRemoteTrack(MediaKind::Video, 90);
        pc().pc->emitIceConnectionState("checking");
        pc().pc->emitIceConnectionState("connected");
    }

    // Every frame of that type the widget sent to the PeerJS server, over all its registrations.
    std::vector<nlohmann::json> sentOfType(const std::string& type) const {
        std::vector<nlohmann::json> out;
        for (const auto& rec : sockets.records)
            for (const auto& f : rec->sent) {
                auto j = nlohmann::json::parse(f, nullptr, false);
                if (j.is_object() && j.value("type", "") == type) out.push_back(j);
            }
        return out;
    }
    // The agent `from` answers our newest OFFER to it; `pc` is that offer's connection.
    void answerOffer(PcRecord& pcRec, const std::string& from = kAgentPeer, bool connect = false) {
        std::string id;
        for (const auto& o : sentOfType("OFFER"))
            if (o["dst"] == from) id = o["payload"]["connectionId"].get<std::string>();
        peerServer().receive(
            R"({"type":"ANSWER","src":")" + from +
            R"(","dst":"me","payload":{"sdp":{"type":"answer","sdp":"v=0 answer"},"type":"media","connectionId":")" +
            id + R"("}})");
        pcRec.resolveRemote();
        if (connect) pcRec.pc->emitIceConnectionState("connected");
    }
    bool posted(const std::string& body) const {
        for (const auto& r : http.requests)
            if (r.method == "POST" && r.body == body) return true;
        return false;
    }

    std::vector<std::string> postedBodies() const {
        std::vector<std::string> out;
        for (const auto& r : http.requests)
            if (r.method == "POST") out.push_back(r.body);
        return out;
    }
    std::size_t countSent(const std::string& frame) const {
        std::size_t n = 0;
        for (const auto& rec : sockets.records) n += rec->count(frame);
        return n;
    }
    // Nothing of the call is left behind: no live local stream, every peer connection closed.
    bool released() const {
        if (!devices.live.empty()) return false;
        for (const auto& pc : rtc.records)
            if (!pc->closed) return false;
        return true;
    }

    FakeScheduler scheduler;
    FakeSockets sockets;
    FakeHttp http;
    FakeMediaDevices devices;
    FakeRtc rtc;
    CallController call;
    std::vector<std::string> states;
    std::vector<CallEndReason> reasons;
};

} // namespace kefu::calltest
