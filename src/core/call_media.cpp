// CallController, the media connection: the one made ahead for the next voice call, the offer, the dial,
// the connection's state changes, and the local tracks (mute, camera).
#include "call.hpp"
#include "call_detail.hpp"

#include <nlohmann/json.hpp>

namespace kefu {

using call_detail::dump;
using call_detail::fire;
using call_detail::Json;
using call_detail::kRewarmDelayMs;
using call_detail::kWarmDelayMs;
using call_detail::withCallId;
using MC = peerjs::MediaConnection;

void CallController::prepare() {
    ensureSignaling();
    warmWanted_ = true;
    scheduleWarm(kWarmDelayMs);
}

void CallController::scheduleWarm(int delayMs) {
    if (!warmWanted_ || warm_ || warmTimer_) return;
    warmTimer_ = scheduler_.after(delayMs, alive_.guard([this] {
        warmTimer_ = 0;
        warmUp();
    }));
}

void CallController::warmUp() {
    if (!warmWanted_ || warm_ || isActive()) return;
    // Creating an RTCPeerConnection and its offer costs tens of milliseconds of the browser's WebRTC
    // threads; done now, a click on 语音 only sets the offer and fills in the microphone.
    warm_ = newMedia(-1, true, false, /*startOffer=*/false);
}

void CallController::primeVoice() {
    if (isActive() || !warm_ || !warm_->warmed()) return;
    warm_->startOffer();
    if (primeTimer_) scheduler_.cancel(primeTimer_);
    primeTimer_ = scheduler_.after(call_detail::kPrimeHoldMs, alive_.guard([this] {
        primeTimer_ = 0;
        if (isActive() || !warm_ || warm_->warmed()) return;
        // Its candidates were gathered for a click that did not come: a fresh connection, unset.
        dropWarm();
        scheduleWarm(kRewarmDelayMs);
    }));
}

void CallController::dropWarm() {
    if (warm_) retire(std::move(warm_), false);
}

void CallController::voidEarlyOfferUnlessTo(const std::string& peer) {
    if (media_ && media_->state() != MC::State::New && media_->peer() != peer) teardownMedia();
}

void CallController::dialEarly() {
    const bool rung = state_ == CallState::Ringing || (state_ == CallState::Requesting && callpeerSent_);
    if (rung) dialStanding();
}

void CallController::dialStanding() {
    if (standingPeer_.empty() || !signaling_.isOpen()) return;
    prepareMedia();
    if (media_ && media_->state() == MC::State::New) media_->dial(standingPeer_, metadata(video_));
}

std::string CallController::metadata(bool video) const {
    Json meta;
    meta["video"] = video;
    meta["visitorId"] = config_.visitorId;
    meta["name"] = config_.visitorName;
    if (!callId_.empty()) meta["callId"] = callId_; // an offer sent with the ring is matched by our peer id
    // Sent before the accept: nothing goes out on it until then, so the console may answer it early.
    if (beforeAccept()) meta["holdsMedia"] = true;
    // We re-dial a lost connection (PROTOCOL §6 "Recovery"): the console then waits for us instead of
    // ending the call when this one closes, as it must at once for a stock-peerjs visitor.
    meta["resumes"] = true;
    return dump(meta);
}

std::unique_ptr<MC> CallController::newMedia(int stream, bool audio, bool video, bool startOffer) {
    std::unique_ptr<RtcPeerConnection> pc = rtc_ ? rtc_(config_.iceServersJson) : nullptr;
    if (!pc) return nullptr;
    MC::Config mcConfig;
    mcConfig.disconnectGraceMs = config_.disconnectGraceMs;
    auto mc = std::make_unique<MC>(signaling_, scheduler_, std::move(pc), mcConfig);
    MC::Media m;
    m.localStream = stream;
    m.sendAudio = audio;
    m.sendVideo = video;
    m.receiveAudio = true;
    m.receiveVideo = video; // a voice call offers audio only; the agent's camera stays private
    if (!(startOffer ? mc->prepare(m) : mc->warm(m))) return nullptr;
    return mc;
}

void CallController::wireMedia() {
    media_->onStateChange(alive_.guard([this](MC::State s, MC::Reason r) { handleMediaState(s, r); }));
    media_->onTransportChange(alive_.guard([this](bool up) {
        if (state_ != CallState::InCall) return;
        if (!up) {
            beginRecovery();
        } else if (recovering_) {
            stopRecovery(); // the old path healed by itself before a new one was up
            changed();
        }
    }));
    media_->onRemoteTrack(alive_.guard([this](MediaKind kind, int handle) {
        if (!isActive()) return;
        if (beforeAccept()) {
            // The console answered while it rings: its stream is handed out at the accept.
            if (kind == MediaKind::Video) earlyRemoteVideo_ = true;
            return;
        }
        remoteStream_ = handle;
        if (kind == MediaKind::Video) remoteHasVideo_ = true;
        fire(remoteCb_, handle, remoteHasVideo_);
        changed();
    }));
}

bool CallController::createMedia() {
    // Before the grant (fast ring) the slots are made for what was asked; the tracks fill them later.
    // Before the accept the slots stay empty even with the tracks there (takeUpEarlyMedia fills them).
    const int stream = beforeAccept() ? -1 : localStream_;
    media_ = mediaReady_ ? newMedia(stream, hasAudio_, hasVideo_ && video_) : newMedia(-1, true, video_);
    if (!media_) return false;
    wireMedia();
    return true;
}

void CallController::prepareMedia() {
    // While the agent's phone rings: build the connection and its offer now, so that accepting only costs
    // the OFFER's trip. A failure here is not final: placeCall() tries again at accept.
    if (media_) {
        media_->startOffer(); // made ahead (warmUp): set it now
        return;
    }
    if (!mediaReady_ && !fastRing_) return;
    if (!createMedia()) media_.reset();
}

void CallController::placeCall() {
    if (state_ != CallState::Connecting) return;
    if (media_ && media_->state() != MC::State::New) return; // already dialled
    if (!media_ && !createMedia()) {
        media_.reset();
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::ConnectionLost);
        return;
    }
    media_->dial(agentPeer_, metadata(video_));
}

void CallController::handleMediaState(MC::State s, MC::Reason r) {
    if (!isActive()) return;
    const bool early = state_ == CallState::Requesting || state_ == CallState::Ringing;
    switch (s) {
    case MC::State::Answered:
    case MC::State::Connected:
        if (early) {
            // The console answered the offer that went with the ring: connected ahead, nothing sent or
            // played. The call begins at the chat `accept` (takeUpEarlyMedia).
            changed();
            break;
        }
        if (s == MC::State::Connected && state_ == CallState::Connecting) {
            if (connectTimer_) scheduler_.cancel(connectTimer_);
            connectTimer_ = 0;
            startMs_ = scheduler_.nowMs();
            // From now on a lost path is recovered with a new connection to the same peer: a LEAVE
            // from a failing one would close that one at the agent too.
            if (media_) media_->setLeaveOnFailure(false);
            setState(CallState::InCall);
        } else {
            changed();
        }
        break;
    case MC::State::Closed:
    case MC::State::Failed:
        if (switching_ && next_ && !oldGone_) {
            // The connection being replaced went first (the console may drop it once the new one
            // answers): the new one decides whether the call goes on.
            oldGone_ = true;
            retire(std::move(media_), false);
            break;
        }
        if (state_ == CallState::InCall && (recovering_ || s == MC::State::Failed) &&
            !(s == MC::State::Closed && r == MC::Reason::RemoteLeave)) {
            // The path is lost (or, while recovering, the console dropped the dead connection): the call
            // goes on over a new connection. A LEAVE is the agent hanging up, recovering or not.
            retire(std::move(media_), false);
            if (!recovering_) beginRecovery();
            break;
        }
        if (early) {
            // The early offer went nowhere (EXPIRE, a console that went away): accept builds a new one.
            teardownMedia();
            standingPeer_.clear();
            break;
        }
        if (s == MC::State::Closed) {
            // A stock-peerjs agent hangs up by closing the connection alone, without the chat `hangup`
            // frame: tell the server, or it keeps the call running (busy for every later call).
            reportHangup();
            finish(CallState::Ended, CallEndReason::HungUpRemote);
        } else if (r == MC::Reason::PeerUnavailable) {
            postEnd("failed");
            finish(CallState::Failed, CallEndReason::AgentUnreachable);
        } else if (r == MC::Reason::SignalingLost) {
            postEnd("failed");
            finish(CallState::Failed, CallEndReason::ServerUnreachable);
        } else {
            postEnd("failed");
            finish(CallState::Failed, CallEndReason::ConnectionLost);
        }
        break;
    case MC::State::New:
    case MC::State::Offering: changed(); break;
    }
}

bool CallController::setMuted(bool muted) {
    if (!isActive()) return false;
    muted_ = muted;
    if (localStream_ >= 0) devices_.setTrackEnabled(localStream_, MediaKind::Audio, !muted);
    if (nextStream_ >= 0) devices_.setTrackEnabled(nextStream_, MediaKind::Audio, !muted); // a switch's new one
    // The console shows the agent that the visitor is muted (§5 `mute`); before the server named the call
    // there is nothing to tell it yet.
    if (!callId_.empty()) postAction(dump(withCallId(Json{{"action", "mute"}, {"muted", muted}}, callId_)));
    changed();
    return true;
}

bool CallController::setCameraEnabled(bool enabled) {
    if (!isActive() || !video_) return false;
    cameraEnabled_ = enabled;
    if (localStream_ >= 0) devices_.setTrackEnabled(localStream_, MediaKind::Video, enabled);
    changed();
    return true;
}

} // namespace kefu
