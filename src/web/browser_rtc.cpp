#include "web/browser_rtc.hpp"

#include "core/untrusted_json.hpp"

#include <nlohmann/json.hpp>

namespace kefu::web {

class BrowserRtc::JsPeerConnection : public RtcPeerConnection {
  public:
    JsPeerConnection(BrowserRtc& rtc, unsigned id) : mRtc(rtc), mId(id) { mRtc.mPcs[id] = this; }
    ~JsPeerConnection() override { close(); }

    void addSendSlots(bool audio, bool video) override { mRtc.mGlue.call<void>("pcSlots", mId, audio, video); }
    void fillSendSlots(int h) override { mRtc.mGlue.call<void>("pcFill", mId, h); }
    void addRecvOnly(MediaKind k) override { mRtc.mGlue.call<void>("pcAddRecv", mId, std::string(toString(k))); }
    void createDataChannel(const std::string& label, bool) override {
        // peerjs uses ordered:false for its helper channel; the glue does the same.
        mRtc.mGlue.call<void>("pcChannel", mId, label);
    }
    void createOffer(SdpCallback done) override {
        const unsigned req = mRtc.mNext++;
        mRtc.mResults[req] = [done](bool ok, const std::string& v) { done(ok, ok ? v : "", ok ? "" : v); };
        mRtc.mGlue.call<void>("pcOffer", mId, req);
    }
    void setLocalDescription(const std::string& type, const std::string& sdp, DoneCallback done) override {
        mRtc.mGlue.call<void>("pcLocal", mId, track(std::move(done)), type, sdp);
    }
    void setRemoteDescription(const std::string& type, const std::string& sdp, DoneCallback done) override {
        mRtc.mGlue.call<void>("pcRemote", mId, track(std::move(done)), type, sdp);
    }
    void addIceCandidate(const std::string& json, DoneCallback done) override {
        mRtc.mGlue.call<void>("pcCandidate", mId, track(std::move(done)), json);
    }
    void close() override {
        if (mRtc.mPcs.erase(mId)) mRtc.mGlue.call<void>("pcClose", mId);
    }

  private:
    unsigned track(DoneCallback done) {
        const unsigned req = mRtc.mNext++;
        mRtc.mResults[req] = [done](bool ok, const std::string& v) { done(ok, ok ? "" : v); };
        return req;
    }
    BrowserRtc& mRtc;
    unsigned mId;
};

void BrowserRtc::getUserMedia(bool audio, bool video, Callback done) {
    const unsigned req = mNext++;
    mMedia[req] = std::move(done);
    mGlue.call<void>("gum", req, audio, video);
}

void BrowserRtc::stopStream(int h) {
    mGlue.call<void>("streamStop", h);
}

void BrowserRtc::setTrackEnabled(int h, MediaKind k, bool on) {
    mGlue.call<void>("trackEnable", h, std::string(toString(k)), on);
}

Permission BrowserRtc::permission(bool video) const {
    const std::string s = mGlue.call<std::string>("perm", video);
    return s == "granted" ? Permission::Granted : s == "denied" ? Permission::Denied : Permission::Prompt;
}

void BrowserRtc::attach(const char* role, int h) {
    mGlue.call<void>("attach", std::string(role), h);
}

RtcPeerConnectionFactory BrowserRtc::factory() {
    return [this](const std::string& ice) -> std::unique_ptr<RtcPeerConnection> {
        const unsigned id = mNext++;
        mGlue.call<void>("pcNew", id, ice);
        return std::make_unique<JsPeerConnection>(*this, id);
    };
}

void BrowserRtc::onMedia(unsigned req, const std::string& json) {
    auto it = mMedia.find(req);
    if (it == mMedia.end()) return;
    auto done = std::move(it->second);
    mMedia.erase(it);
    MediaResult r;
    const auto j = parseUntrusted(json).value; // one JSON parser in the app: the core's, from a string_view
    if (j.is_object()) {
        r.ok = j.value("ok", false);
        r.errorName = j.value("error", std::string());
        r.hasAudio = j.value("audio", false);
        r.hasVideo = j.value("video", false);
        r.streamHandle = j.value("stream", -1);
    } else {
        r.errorName = "Error";
    }
    done(r);
}

void BrowserRtc::onRtcResult(unsigned req, bool ok, const std::string& value) {
    auto it = mResults.find(req);
    if (it == mResults.end()) return;
    auto done = std::move(it->second);
    mResults.erase(it);
    done(ok, value);
}

void BrowserRtc::onRtcEvent(unsigned id, const std::string& name, const std::string& value) {
    auto it = mPcs.find(id);
    if (it == mPcs.end()) return;
    JsPeerConnection* pc = it->second;
    if (name == "candidate")
        pc->emitLocalCandidate(value);
    else if (name == "ice")
        pc->emitIceConnectionState(value);
    else if (name == "connection")
        pc->emitConnectionState(value);
    else if (name == "dcopen")
        pc->emitDataChannelOpen();
    else if (name == "dcclose")
        pc->emitDataChannelClose();
    else if (name == "track") {
        const auto colon = value.find(':');
        MediaKind kind;
        if (colon != std::string::npos && parseMediaKind(value.substr(0, colon), kind))
            pc->emitRemoteTrack(kind, std::atoi(value.c_str() + colon + 1));
    }
}

} // namespace kefu::web
