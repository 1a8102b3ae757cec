#include "call.hpp"
#include "call_detail.hpp"

#include <nlohmann/json.hpp>

#include "core/untrusted_json.hpp"

namespace kefu {

using call_detail::dump;
using call_detail::fire;
using call_detail::mediaError;
using call_detail::Json;
using call_detail::withCallId;

namespace {

using MC = peerjs::MediaConnection;

constexpr int kWarmDelayMs = 250;    // after prepare(): out of the way of the panel's first frames
constexpr int kRewarmDelayMs = 1000; // after a call: out of the way of its teardown

std::string callIdFrom(const std::string& body) {
    const nlohmann::json j = parseUntrusted(body).value;
    if (!j.is_object()) return {};
    auto it = j.find("callId");
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The agent console's standing peer, when the backend named exactly one (docs/PROTOCOL.md §5).
std::string standingPeerFrom(const std::string& body) {
    const nlohmann::json j = parseUntrusted(body).value;
    if (!j.is_object()) return {};
    auto it = j.find("peer");
    if (it == j.end() || !it->is_string()) return {};
    std::string peer = it->get<std::string>();
    return peerjs::isValidId(peer) ? peer : std::string();
}

std::string errorCodeFrom(const std::string& body) {
    const nlohmann::json j = parseUntrusted(body).value;
    if (!j.is_object()) return {};
    auto err = j.find("error");
    if (err == j.end() || !err->is_object()) return {};
    auto code = err->find("code");
    return code != err->end() && code->is_string() ? code->get<std::string>() : std::string();
}

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
    for (TimerId t : {ringTimer_, connectTimer_, reapTimer_, switchTimer_, warmTimer_, recoverTimer_, recoverDeadline_,
                      answerTimer_}) {
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

void CallController::dropWarm() {
    if (warm_) retire(std::move(warm_), false);
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
    callId_.clear();
    agentPeer_.clear();
    pendingAgentPeer_.clear();
    standingPeer_.clear();
    switchError_ = CallEndReason::None;
    startMs_ = endMs_ = 0;
    setState(CallState::Requesting);
    if (gen != generation_ || state_ != CallState::Requesting) return true; // a handler ended it already

    // With the permission already given there is no prompt to wait for: the agent is rung while the
    // microphone starts, and the call cannot fail for want of the visitor's consent.
    fastRing_ = devices_.permissionGranted(video);
    if (warm_ && !warm_->warmed()) dropWarm(); // its offer failed
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
    if (media_) media_->attachLocal(localStream_);
    changed();
    // Ring, then build the connection and its offer while the request travels and the agent's console
    // rings, so the offer is ready the moment there is someone to send it to.
    proceed();
}

void CallController::failAfterRing(CallEndReason reason) {
    // A fast ring may already have reached the agent: take it back the way each state allows.
    if (state_ == CallState::Requesting || state_ == CallState::Ringing)
        postCancel();
    else
        postEnd("failed");
    finish(CallState::Failed, reason);
}

void CallController::proceed() {
    // The ring names our peer id: once registered, or as soon as the backend issued it (no ID-TAKEN possible).
    if (state_ != CallState::Requesting || callpeerSent_ || !(signaling_.isOpen() || signaling_.idIssued())) return;
    if (!mediaReady_ && !fastRing_) return;
    const unsigned gen = generation_;
    postCallpeer();
    if (gen != generation_ || state_ != CallState::Requesting) return;
    prepareMedia(); // see handleMedia()
    if (!announcedPeer_.empty()) {
        // The offer travels with the ring; the console holds it until the agent accepts.
        standingPeer_ = announcedPeer_;
        dialEarly();
    }
}

void CallController::postCallpeer() {
    callpeerSent_ = true;
    Json body;
    body["action"] = "callpeer";
    body["kefu_id"] = config_.kefuId;
    body["visitor_id"] = config_.visitorId;
    body["video"] = video_;
    body["peer_id"] = signaling_.id();
    if (!answering_.empty()) body["call_id"] = answering_;
    boundPeer_ = signaling_.id();
    const unsigned gen = generation_;
    if (!http_) {
        finish(CallState::Failed, CallEndReason::ServerUnreachable);
        return;
    }
    http_("POST", config_.apiBase + "/2/callKefu", dump(body), config_.visitorToken,
          alive_.guard([this, gen](HttpResponse r) { handleCallpeer(gen, r); }));
}

void CallController::handleCallpeer(unsigned gen, const HttpResponse& r) {
    const std::string callId = r.status == 200 ? callIdFrom(r.body) : std::string();
    if (gen == generation_ && (state_ == CallState::Connecting || state_ == CallState::InCall)) {
        // The console answered the offer that went with the ring before this response came back.
        if (r.status == 200) {
            callId_ = callId;
            if (muted_) setMuted(true);
        } else {
            finish(CallState::Failed, r.status == 409 ? CallEndReason::Busy : CallEndReason::ServerUnreachable);
        }
        return;
    }
    if (gen != generation_ || state_ != CallState::Requesting) {
        // Given up while the request was in flight: the agents are ringing now, stop them.
        // Or ended before its id was known: the report waits for it (see report()).
        if (gen == cancelGeneration_ && !callId.empty()) {
            const auto late = lateReport_.empty() ? Json{{"action", "cancel"}}
                                                  : Json::parse(lateReport_, nullptr, false);
            if (late.is_object()) postAction(dump(withCallId(late, callId)));
        }
        return;
    }
    if (r.status == 200) {
        callId_ = callId;
        if (muted_) setMuted(true); // muted before the server named the call: tell the console now
        ringTimer_ = scheduler_.after(config_.ringTimeoutMs, alive_.guard([this, gen] {
            ringTimer_ = 0;
            if (gen != generation_ || state_ != CallState::Ringing) return;
            postEnd("missed");
            finish(CallState::Failed, CallEndReason::NoAnswer);
        }));
        setState(CallState::Ringing);
        if (gen != generation_ || state_ != CallState::Ringing) return;
        if (!pendingAgentPeer_.empty()) {
            accept(std::string(pendingAgentPeer_)); // accept() clears it
            return;
        }
        const std::string named = standingPeerFrom(r.body);
        if (!named.empty()) {
            voidEarlyOfferUnlessTo(named); // sent with the ring to a console that has since gone
            standingPeer_ = named;
        }
        prepareMedia(); // the agent takes a moment to pick up: build the connection and its offer meanwhile
        dialEarly();
        return;
    }
    if (r.status == 409) {
        finish(CallState::Failed, CallEndReason::Busy);
    } else if (r.status == 503 && (errorCodeFrom(r.body) == "offline" || r.body.empty())) {
        finish(CallState::Failed, CallEndReason::AgentOffline);
    } else {
        finish(CallState::Failed, CallEndReason::ServerUnreachable);
    }
}

void CallController::onAccept(const std::string& agentPeerId) {
    if (state_ == CallState::Requesting && callpeerSent_) {
        pendingAgentPeer_ = agentPeerId; // the chat socket overtook our HTTP response
        return;
    }
    if (state_ == CallState::Ringing) accept(agentPeerId);
}

void CallController::accept(const std::string& agentPeerId) {
    pendingAgentPeer_.clear();
    agentPeer_ = agentPeerId;
    if (!peerjs::isValidId(agentPeerId)) {
        // Stock peerjs on the agent side would never have registered such an id.
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::AgentUnreachable);
        return;
    }
    voidEarlyOfferUnlessTo(agentPeerId); // another console took the call
    standingPeer_.clear();
    const unsigned gen = generation_;
    enterConnecting();
    if (gen != generation_ || state_ != CallState::Connecting) return;
    if (signaling_.isOpen()) {
        placeCall();
    } else if (!reopenSignaling()) {
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::ServerUnreachable);
    }
    // otherwise placeCall() runs when the registration is back (handleSignalingState)
}

void CallController::voidEarlyOfferUnlessTo(const std::string& peer) {
    if (media_ && media_->state() != MC::State::New && media_->peer() != peer) teardownMedia();
}

void CallController::enterConnecting() {
    if (ringTimer_) scheduler_.cancel(ringTimer_);
    ringTimer_ = 0;
    const unsigned gen = generation_;
    connectTimer_ = scheduler_.after(config_.connectTimeoutMs, alive_.guard([this, gen] {
        connectTimer_ = 0;
        if (gen != generation_ || state_ != CallState::Connecting) return;
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::ConnectionLost);
    }));
    setState(CallState::Connecting);
}

void CallController::dialEarly() {
    const bool rung = state_ == CallState::Ringing || (state_ == CallState::Requesting && callpeerSent_);
    if (!rung || standingPeer_.empty() || !signaling_.isOpen()) return;
    prepareMedia();
    if (media_ && media_->state() == MC::State::New) media_->dial(standingPeer_, metadata(video_));
}

std::string CallController::metadata(bool video) const {
    Json meta;
    meta["video"] = video;
    meta["visitorId"] = config_.visitorId;
    meta["name"] = config_.visitorName;
    if (!callId_.empty()) meta["callId"] = callId_; // an offer sent with the ring is matched by our peer id
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
        remoteStream_ = handle;
        if (kind == MediaKind::Video) remoteHasVideo_ = true;
        fire(remoteCb_, handle, remoteHasVideo_);
        changed();
    }));
}

bool CallController::createMedia() {
    // Before the grant (fast ring) the slots are made for what was asked; the tracks fill them later.
    media_ = mediaReady_ ? newMedia(localStream_, hasAudio_, hasVideo_ && video_) : newMedia(-1, true, video_);
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
            // The agent answered our early offer: that is the accept, even before the chat socket says so.
            agentPeer_ = standingPeer_;
            standingPeer_.clear();
            const unsigned gen = generation_;
            enterConnecting();
            if (gen != generation_ || state_ != CallState::Connecting) return;
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

bool CallController::reopenSignaling() {
    using S = peerjs::Signaling::State;
    const S s = signaling_.state();
    if (s == S::Connecting || s == S::FetchingId) return true;
    if (signalingRetried_) return false;
    signalingRetried_ = true;
    signaling_.open();
    return true;
}

void CallController::handleSignalingState(peerjs::Signaling::State s) {
    using S = peerjs::Signaling::State;
    const bool lost = s == S::Failed || s == S::Closed;
    switch (state_) {
    case CallState::Requesting:
        if (s == S::Open && callpeerSent_) {
            dialEarly(); // the ring went out with the issued id before the registration was complete
        } else if (s == S::Open || s == S::Connecting) {
            proceed();
        } else if (lost) {
            postCancel();
            finish(CallState::Failed, signaling_.errorType() == "unavailable-id" ? CallEndReason::IdTaken
                                                                                 : CallEndReason::ServerUnreachable);
        }
        break;
    case CallState::Ringing:
        // Only an early offer depends on our id before the accept: register again (new id), offer again
        // from it, and keep ringing. The console keeps the newest offer for a ring.
        if (s == S::Open) {
            dialEarly();
        } else if (lost) {
            if (media_ && media_->state() != MC::State::New) teardownMedia();
            if (!reopenSignaling()) {
                postCancel();
                finish(CallState::Failed, CallEndReason::ServerUnreachable);
            }
        }
        break;
    case CallState::Connecting:
        if (s == S::Open) {
            placeCall();
        } else if (lost) {
            // Once answered the media path no longer needs the signalling server.
            if (media_ && (media_->state() == MC::State::Answered || media_->state() == MC::State::Connected)) break;
            if (media_) {
                teardownMedia(); // its offer went to a dead registration; start over on a new one
            }
            if (!reopenSignaling()) {
                postEnd("failed");
                finish(CallState::Failed, CallEndReason::ServerUnreachable);
            }
        }
        break;
    case CallState::InCall:
        if (recovering_ && s == S::Open && recoverWaitsSignal_) attemptRecovery();
        break; // a registration lost otherwise is taken up again by the next recovery attempt
    case CallState::Idle:
    case CallState::Ended:
    case CallState::Failed: break; // between calls the registration is renewed lazily by start()/prepare()
    }
}

void CallController::onReject(const std::string& reason) {
    if (state_ != CallState::Ringing && !(state_ == CallState::Requesting && callpeerSent_)) return;
    CallEndReason r = CallEndReason::Rejected;
    if (reason == "busy")
        r = CallEndReason::Busy;
    else if (reason == "offline")
        r = CallEndReason::AgentOffline;
    finish(CallState::Failed, r);
}

void CallController::onRemoteHangup(const std::string& reason) {
    if (!isActive()) return;
    if (state_ == CallState::Requesting && !callpeerSent_) return; // not our call yet
    if ((state_ == CallState::Requesting || state_ == CallState::Ringing) && reason == "timeout") {
        finish(CallState::Failed, CallEndReason::NoAnswer);
        return;
    }
    finish(CallState::Ended, CallEndReason::HungUpRemote);
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

int CallController::durationSeconds() const {
    if (startMs_ == 0) return 0;
    const std::int64_t end = state_ == CallState::InCall ? scheduler_.nowMs() : endMs_;
    return end > startMs_ ? static_cast<int>((end - startMs_) / 1000) : 0;
}

int CallController::elapsedSeconds() const {
    return durationSeconds();
}

void CallController::postAction(const std::string& bodyJson) {
    if (!http_) return;
    // Fire and forget: the outcome of these requests changes nothing on our side.
    http_("POST", config_.apiBase + "/2/callKefu", bodyJson, config_.visitorToken, [](HttpResponse) {});
}

void CallController::report(const Json& body) {
    if (!callId_.empty()) {
        postAction(dump(withCallId(body, callId_)));
    } else if (callpeerSent_) {
        // The ring is still in flight (the agent may even have answered an offer sent with it): the
        // report goes out with the call id when the server's reply arrives (handleCallpeer).
        cancelGeneration_ = generation_;
        lateReport_ = dump(body);
    } else if (!answering_.empty()) {
        postAction(dump(withCallId(body, answering_))); // a call-back's answer that failed before its callpeer
    }
}

void CallController::reportHangup() {
    Json body;
    body["action"] = "hangup";
    body["duration"] = durationSeconds();
    report(body);
}

void CallController::postCancel() {
    report(Json{{"action", "cancel"}});
}

void CallController::postEnd(const char* outcome) {
    Json body;
    body["action"] = "end";
    body["outcome"] = outcome;
    if (startMs_ != 0) body["duration"] = durationSeconds();
    report(body);
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
