// CallController, the life of a call: start, the microphone's grant, the end and what every end releases
// (see call.hpp). The ring and the signalling are in call_signalling.cpp, the media connections in
// call_media.cpp, the voice/video switch in call_switch.cpp and recovery in call_recover.cpp.
#include "call.hpp"
#include "call_detail.hpp"

#include <nlohmann/json.hpp>

namespace kefu {

using call_detail::fire;
using call_detail::kRewarmDelayMs;
using call_detail::kWarmDelayMs;
using call_detail::mediaError;
using MC = peerjs::MediaConnection;

namespace {

bool samePeerServer(const peerjs::Options& a, const peerjs::Options& b) {
    return a.host == b.host && a.port == b.port && a.normalizedPath() == b.normalizedPath() && a.key == b.key &&
           a.secure == b.secure && a.fetchId == b.fetchId && a.idPrefix == b.idPrefix &&
           a.credentialsUrl == b.credentialsUrl;
}

} // namespace

const char* toString(CallState state) {
    switch (state) {
    case CallState::Idle: return "idle";
    case CallState::Requesting: return "requesting";
    case CallState::Ringing: return "ringing";
    case CallState::Connecting: return "connecting";
    case CallState::InCall: return "in-call";
    case CallState::Ended: return "ended";
    case CallState::Failed: return "failed";
    }
    return "idle";
}

const char* toString(CallEndReason reason) {
    switch (reason) {
    case CallEndReason::None: return "none";
    case CallEndReason::HungUpLocal: return "hangup-local";
    case CallEndReason::HungUpRemote: return "hangup-remote";
    case CallEndReason::PermissionDenied: return "permission-denied";
    case CallEndReason::NoCamera: return "no-camera";
    case CallEndReason::NoMicrophone: return "no-microphone";
    case CallEndReason::InsecureContext: return "insecure-context";
    case CallEndReason::DeviceBusy: return "device-busy";
    case CallEndReason::ServerUnreachable: return "server-unreachable";
    case CallEndReason::IdTaken: return "id-taken";
    case CallEndReason::AgentUnreachable: return "agent-unreachable";
    case CallEndReason::NoAnswer: return "no-answer";
    case CallEndReason::Rejected: return "rejected";
    case CallEndReason::AgentOffline: return "agent-offline";
    case CallEndReason::Busy: return "busy";
    case CallEndReason::ConnectionLost: return "connection-lost";
    case CallEndReason::Cancelled: return "cancelled";
    }
    return "none";
}

CallController::CallController(CallConfig config, Scheduler& scheduler, SocketFactory sockets, HttpFn http,
                               MediaDevices& devices, RtcPeerConnectionFactory rtc)
    : config_(std::move(config)), scheduler_(scheduler), http_(std::move(http)), devices_(devices),
      rtc_(std::move(rtc)), signaling_(config_.peer, scheduler, std::move(sockets), http_) {
    signaling_.onStateChange(alive_.guard([this](peerjs::Signaling::State s) { handleSignalingState(s); }));
}

CallController::~CallController() {
    for (TimerId t : {ringTimer_, connectTimer_, reapTimer_, switchTimer_, warmTimer_, primeTimer_, recoverTimer_,
                      recoverDeadline_, answerTimer_}) {
        if (t) scheduler_.cancel(t);
    }
    signaling_.onStateChange(nullptr);
    if (media_) {
        media_->onStateChange(nullptr);
        media_->onRemoteTrack(nullptr);
    }
    for (auto* mc : {next_.get(), rec_.get()}) {
        if (!mc) continue;
        mc->onStateChange(nullptr);
        mc->onRemoteTrack(nullptr);
    }
    next_.reset();
    rec_.reset();
    warm_.reset();
    media_.reset(); // closes the peer connection before the signalling it is attached to goes away
    retired_.clear();
    if (localStream_ >= 0) devices_.stopStream(localStream_);
    if (nextStream_ >= 0) devices_.stopStream(nextStream_);
}

void CallController::setConfig(CallConfig config) {
    const bool moved = !samePeerServer(config_.peer, config.peer);
    const bool iceChanged = config.iceServersJson != config_.iceServersJson;
    // Credentials mode registers with the visitor's token: one that arrives now starts a wanted registration.
    const bool tokenArrived =
        !config.peer.credentialsBearer.empty() && config.peer.credentialsBearer != config_.peer.credentialsBearer;
    config_ = std::move(config);
    if (iceChanged) {
        dropWarm(); // made with the old ICE servers
        scheduleWarm(kWarmDelayMs);
    }
    signaling_.setOptions(config_.peer);
    if (moved && !isActive() && signaling_.state() != peerjs::Signaling::State::Idle) signaling_.close();
    if (tokenArrived && warmWanted_ && !isActive()) ensureSignaling();
}

void CallController::setStandingPeer(const std::string& peer) {
    announcedPeer_ = peerjs::isValidId(peer) ? peer : std::string();
}

void CallController::ensureSignaling() {
    using S = peerjs::Signaling::State;
    const S s = signaling_.state();
    // Without the visitor's token the backend would refuse the credentials: setConfig() starts it later.
    if (!config_.peer.credentialsUrl.empty() && config_.peer.credentialsBearer.empty()) return;
    if (s == S::Idle || s == S::Closed || s == S::Failed) signaling_.open();
}

bool CallController::isActive() const {
    return state_ == CallState::Requesting || state_ == CallState::Ringing || state_ == CallState::Connecting ||
           state_ == CallState::InCall;
}

bool CallController::start(bool video, std::string answering) {
    if (isActive()) return false;
    answering_ = std::move(answering);
    const unsigned gen = ++generation_;
    video_ = video;
    canFallback_ = false;
    muted_ = false;
    cameraEnabled_ = true;
    mediaReady_ = false;
    hasAudio_ = hasVideo_ = false;
    callpeerSent_ = false;
    signalingRetried_ = false;
    localStream_ = -1;
    remoteStream_ = -1;
    remoteHasVideo_ = false;
    earlyRemoteVideo_ = false;
    callId_.clear();
    agentPeer_.clear();
    pendingAgentPeer_.clear();
    standingPeer_.clear();
    switchError_ = CallEndReason::None;
    startMs_ = endMs_ = 0;
    setState(CallState::Requesting);
    if (gen != generation_ || state_ != CallState::Requesting) return true; // a handler ended it already

    // The agent is rung while the microphone starts, or while the browser asks the visitor for it: a
    // prompt the visitor takes seconds over then overlaps the agent's ring instead of preceding it. The
    // ring says the visitor is being asked (the console shows it), and a refusal takes it back. Only a
    // permission known to be refused does not ring: the call cannot go on.
    const Permission permission = devices_.permission(video);
    fastRing_ = permission != Permission::Denied;
    asking_ = permission == Permission::Prompt;
    askingSent_ = false;
    if (warm_ && (!warm_->prepared() || warm_->isTerminal())) dropWarm(); // its offer failed
    if (!video && warm_) {
        // The connection made ahead. Its offer is set once the ring is on its way (prepareMedia): ICE
        // gathering then does not compete with the microphone's start.
        media_ = std::move(warm_);
        wireMedia();
    }
    // The permission prompt and the PeerJS registration run in parallel.
    devices_.getUserMedia(true, video, alive_.guard([this, gen](MediaResult r) { handleMedia(gen, r); }));
    if (gen != generation_ || state_ != CallState::Requesting) return true;
    ensureSignaling();
    if (gen != generation_ || state_ != CallState::Requesting) return true;
    proceed();
    return true;
}

void CallController::handleMedia(unsigned gen, const MediaResult& r) {
    if (gen != generation_ || !isActive() || mediaReady_ || localStream_ >= 0) {
        // The call ended while the prompt was open: release the devices at once.
        if (r.ok && r.streamHandle >= 0) devices_.stopStream(r.streamHandle);
        return;
    }
    if (!r.ok) {
        const CallEndReason reason = mediaError(r.errorName, video_);
        canFallback_ = reason == CallEndReason::NoCamera;
        failAfterRing(reason);
        return;
    }
    localStream_ = r.streamHandle;
    hasAudio_ = r.hasAudio;
    hasVideo_ = r.hasVideo;
    if (!hasAudio_) {
        failAfterRing(CallEndReason::NoMicrophone);
        return;
    }
    if (video_ && !hasVideo_) {
        canFallback_ = true;
        failAfterRing(CallEndReason::NoCamera);
        return;
    }
    // Toggles made while the permission prompt was open.
    if (muted_) devices_.setTrackEnabled(localStream_, MediaKind::Audio, false);
    if (video_ && !cameraEnabled_) devices_.setTrackEnabled(localStream_, MediaKind::Video, false);
    mediaReady_ = true;
    if (media_ && !beforeAccept()) media_->attachLocal(localStream_); // else at the accept
    reportMicReady();
    changed();
    // Ring, then build the connection and its offer while the request travels and the agent's console
    // rings, so the offer is ready the moment there is someone to send it to.
    proceed();
}

void CallController::failAfterRing(CallEndReason reason) {
    // A fast ring may already have reached the agent: take it back the way each state allows.
    if (state_ == CallState::Requesting || state_ == CallState::Ringing)
        postCancel(reason);
    else
        postEnd("failed", reason);
    finish(CallState::Failed, reason);
}

void CallController::hangup() {
    switch (state_) {
    case CallState::Requesting:
    case CallState::Ringing:
        postCancel();
        finish(CallState::Ended, CallEndReason::Cancelled);
        break;
    case CallState::Connecting:
    case CallState::InCall:
        reportHangup();
        finish(CallState::Ended, CallEndReason::HungUpLocal); // hangs the media connection up (LEAVE)
        break;
    case CallState::Idle:
    case CallState::Ended:
    case CallState::Failed: break;
    }
}

void CallController::shutdown() {
    hangup();
    signaling_.close(); // LEAVE to every agent peer we called
}

int CallController::durationSeconds() const {
    if (startMs_ == 0) return 0;
    const std::int64_t end = state_ == CallState::InCall ? scheduler_.nowMs() : endMs_;
    return end > startMs_ ? static_cast<int>((end - startMs_) / 1000) : 0;
}

int CallController::elapsedSeconds() const {
    return durationSeconds();
}

void CallController::finish(CallState terminal, CallEndReason reason) {
    if (state_ == CallState::InCall) endMs_ = scheduler_.nowMs();
    for (TimerId* t : {&ringTimer_, &connectTimer_}) {
        if (*t) scheduler_.cancel(*t);
        *t = 0;
    }
    if (switchTimer_) scheduler_.cancel(switchTimer_);
    switchTimer_ = 0;
    if (next_) retire(std::move(next_), true); // the LEAVE now ends both connections at the agent, as it should
    if (rec_) retire(std::move(rec_), true);   // an offer still out: the console closes it
    stopRecovery();
    if (nextStream_ >= 0) devices_.stopStream(nextStream_);
    nextStream_ = -1;
    switching_ = false;
    oldGone_ = false;
    teardownMedia();
    if (localStream_ >= 0) devices_.stopStream(localStream_);
    localStream_ = -1;
    remoteStream_ = -1;
    mediaReady_ = false;
    pendingAgentPeer_.clear();
    standingPeer_.clear();
    ++generation_;
    scheduleWarm(kRewarmDelayMs);
    setState(terminal, reason);
}

void CallController::teardownMedia() {
    // LEAVE to the agent if our offer went out, then close dc + pc; no-op if already over.
    if (media_) retire(std::move(media_), true);
}

void CallController::retire(std::unique_ptr<MC> mc, bool leave) {
    // Without `leave`: another connection with the same agent peer lives on, and a LEAVE would make the
    // agent's peerjs close every connection from us. The console then sees the data channel close.
    mc->onStateChange(nullptr);
    mc->onRemoteTrack(nullptr);
    if (leave)
        mc->hangup();
    else
        mc->close();
    retired_.push_back(std::move(mc)); // freed outside their own callbacks
    if (!reapTimer_) reapTimer_ = scheduler_.after(0, alive_.guard([this] { reap(); }));
}

void CallController::reap() {
    reapTimer_ = 0;
    retired_.clear();
}

void CallController::setState(CallState s, CallEndReason r) {
    state_ = s;
    reason_ = r;
    fire(stateCb_, s, r);
    changed();
}

void CallController::changed() {
    fire(changeCb_);
}

} // namespace kefu
