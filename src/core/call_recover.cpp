// CallController, recovery of a running call whose path was lost (see reconnecting() in call.hpp and
// docs/PROTOCOL.md §6 "Recovery"), and its hand-over to the next page of the same site (resume()).
// Stock peerjs cannot restart ICE, so a new connection to the same agent peer takes the call over,
// as in a voice/video switch, but of the same kind and without the agent's consent.
#include "call.hpp"
#include "call_detail.hpp"

#include "core/untrusted_json.hpp"

namespace kefu {

using call_detail::dump;
using call_detail::fire;
using call_detail::Json;
using call_detail::mediaError;
using MC = peerjs::MediaConnection;

namespace {

// How long each attempt may take to connect before the next one is dialled: short first (a path that
// is back connects in well under a second), then capped so a returning network is used within 4 s.
int attemptWindowMs(int attempt) {
    return attempt <= 1 ? 2000 : attempt == 2 ? 3000 : 4000;
}

constexpr int kRetryAfterFailMs = 500;
// The console answers an offer within a few hundred milliseconds; none by then means the signalling
// socket is likely dead without knowing it (the address it was bound to is gone): a new one.
constexpr int kAnswerMs = 1200;                         // an attempt that failed outright
constexpr std::int64_t kResumeMaxAgeMs = 15000;         // a stored call older than this is over
constexpr std::int64_t kCallMaxMs = 24LL * 3600 * 1000; // no call runs longer than a day
constexpr std::size_t kRecordMaxBytes = 1024;

bool isCallId(const std::string& id) {
    if (id.size() < 3 || id.size() > 64 || id.compare(0, 2, "c_") != 0) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    return true;
}

} // namespace

bool parseResumeRecord(const std::string& text, std::int64_t nowMs, ResumeInfo& out) {
    if (text.empty() || text.size() > kRecordMaxBytes) return false;
    const nlohmann::json j = parseUntrusted(text).value;
    if (!j.is_object() || j.size() != 6) return false;
    const auto str = [&](const char* k) -> const nlohmann::json* {
        auto it = j.find(k);
        return it != j.end() && it->is_string() ? &*it : nullptr;
    };
    const auto num = [&](const char* k, std::int64_t& v) {
        auto it = j.find(k);
        if (it == j.end() || !it->is_number_integer()) return false;
        v = it->get<std::int64_t>();
        return true;
    };
    auto v = j.find("v");
    auto video = j.find("video");
    const nlohmann::json* callId = str("callId");
    const nlohmann::json* peer = str("agentPeer");
    std::int64_t started = 0, saved = 0;
    if (v == j.end() || !v->is_number_integer() || v->get<int>() != 1 || video == j.end() || !video->is_boolean() ||
        !callId || !peer || !num("startedMs", started) || !num("savedMs", saved))
        return false;
    if (!isCallId(callId->get<std::string>()) || !peerjs::isValidId(peer->get<std::string>())) return false;
    // Saved just now (the page before this one), by a call that started before it was saved.
    if (saved > nowMs + 1000 || nowMs - saved > kResumeMaxAgeMs) return false;
    if (started <= 0 || started > saved || saved - started > kCallMaxMs) return false;
    out.callId = callId->get<std::string>();
    out.agentPeer = peer->get<std::string>();
    out.video = video->get<bool>();
    out.startedMs = started;
    return true;
}

std::string CallController::resumeRecord() const {
    if (state_ != CallState::InCall || callId_.empty() || !peerjs::isValidId(agentPeer_) || startMs_ <= 0) return {};
    Json j;
    j["v"] = 1;
    j["callId"] = callId_;
    j["agentPeer"] = agentPeer_;
    j["video"] = video_;
    j["startedMs"] = startMs_;
    j["savedMs"] = scheduler_.nowMs();
    return dump(j);
}

void CallController::suspend() {
    if (state_ != CallState::InCall) {
        shutdown();
        return;
    }
    ++generation_;
    for (TimerId* t : {&ringTimer_, &connectTimer_, &switchTimer_}) {
        if (*t) scheduler_.cancel(*t);
        *t = 0;
    }
    stopRecovery();
    for (auto* mc : {&next_, &media_})
        if (*mc) retire(std::move(*mc), false);
    for (int* s : {&localStream_, &nextStream_}) {
        if (*s >= 0) devices_.stopStream(*s);
        *s = -1;
    }
    switching_ = false;
    state_ = CallState::Idle; // silently: the call goes on, on the next page
    signaling_.close();       // nothing is attached any more: no LEAVE
}

bool CallController::resume(const ResumeInfo& info) {
    if (isActive() || !isCallId(info.callId) || !peerjs::isValidId(info.agentPeer) || info.startedMs <= 0) return false;
    const unsigned gen = ++generation_;
    video_ = info.video;
    canFallback_ = false;
    muted_ = false;
    cameraEnabled_ = true;
    mediaReady_ = false;
    hasAudio_ = hasVideo_ = false;
    callpeerSent_ = true;
    signalingRetried_ = false;
    localStream_ = remoteStream_ = -1;
    remoteHasVideo_ = false;
    callId_ = info.callId;
    agentPeer_ = info.agentPeer;
    pendingAgentPeer_.clear();
    standingPeer_.clear();
    boundPeer_.clear(); // this page's registration is new: the server must bind it first
    switchError_ = CallEndReason::None;
    startMs_ = info.startedMs;
    endMs_ = 0;
    recovering_ = true;
    recoverAttempt_ = 0;
    recoverDeadline_ = scheduler_.after(config_.recoverTimeoutMs, alive_.guard([this, gen] {
        recoverDeadline_ = 0;
        if (gen != generation_ || !recovering_) return;
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::ConnectionLost);
    }));
    setState(CallState::InCall);
    if (gen != generation_ || state_ != CallState::InCall) return true;
    devices_.getUserMedia(true, video_, alive_.guard([this, gen](MediaResult r) { handleResumeMedia(gen, r); }));
    if (gen == generation_ && state_ == CallState::InCall) ensureSignaling();
    return true;
}

void CallController::handleResumeMedia(unsigned gen, const MediaResult& r) {
    if (gen != generation_ || state_ != CallState::InCall || mediaReady_) {
        if (r.ok && r.streamHandle >= 0) devices_.stopStream(r.streamHandle);
        return;
    }
    if (!r.ok || !r.hasAudio) {
        postEnd("failed");
        finish(CallState::Failed, r.ok ? CallEndReason::NoMicrophone : mediaError(r.errorName, video_));
        return;
    }
    localStream_ = r.streamHandle;
    hasAudio_ = r.hasAudio;
    hasVideo_ = r.hasVideo && video_;
    mediaReady_ = true;
    changed();
    attemptRecovery();
}

bool CallController::beginRecovery() {
    if (state_ != CallState::InCall || recovering_ || callId_.empty() || !peerjs::isValidId(agentPeer_)) return false;
    if (switching_) abandonSwitch(CallEndReason::ConnectionLost); // the switch's new path shares the fate
    if (state_ != CallState::InCall) return false;
    recovering_ = true;
    recoverAttempt_ = 0;
    recoverUnanswered_ = false;
    const unsigned gen = generation_;
    recoverDeadline_ = scheduler_.after(config_.recoverTimeoutMs, alive_.guard([this, gen] {
        recoverDeadline_ = 0;
        if (gen != generation_ || !recovering_) return;
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::ConnectionLost);
    }));
    changed();
    // A path that went away usually took the signalling socket with it, unnoticed (no close for a dead
    // address): where the server keeps our credentials the id stays the same, so a new socket costs one
    // handshake and saves waiting for an ANSWER that cannot come. A connect still in flight (one begun
    // in an earlier outage) may be knocking from an address that is gone: it starts over too.
    using S = peerjs::Signaling::State;
    const S st = signaling_.state();
    if ((st == S::Open || st == S::Connecting || st == S::FetchingId) && !signaling_.options().credentialsUrl.empty())
        signaling_.reconnect();
    attemptRecovery();
    if (recovering_) fire(pathLostCb_);
    return true;
}

void CallController::scheduleAttempt(int delayMs) {
    if (recoverTimer_) scheduler_.cancel(recoverTimer_);
    const unsigned gen = generation_;
    recoverTimer_ = scheduler_.after(delayMs, alive_.guard([this, gen] {
        recoverTimer_ = 0;
        if (gen == generation_ && recovering_) attemptRecovery();
    }));
}

void CallController::attemptRecovery() {
    if (!recovering_ || state_ != CallState::InCall || !mediaReady_) return;
    const bool waited = recoverWaitsSignal_; // the last attempt found the registration not open either
    recoverWaitsSignal_ = false;
    if (rec_) {
        recoverUnanswered_ = rec_->state() == MC::State::Offering;
        retire(std::move(rec_), false);
    }
    using S = peerjs::Signaling::State;
    if (signaling_.isOpen() && recoverUnanswered_) {
        // An offer went out without an ANSWER (see kAnswerMs): a new socket, with the same credentials
        // where they are kept.
        recoverUnanswered_ = false;
        signaling_.reconnect();
    }
    if (!signaling_.isOpen()) {
        recoverWaitsSignal_ = true;
        recoverUnanswered_ = false; // a new socket: its offers have yet to go unanswered
        const S st = signaling_.state();
        // A connect (or its credentials request) that has not finished in a whole attempt window will not:
        // it left from an address that went away (the registration's own timeout is 10 s). A new one.
        if (waited && (st == S::Connecting || st == S::FetchingId))
            signaling_.reconnect();
        else if (st != S::Connecting && st != S::FetchingId)
            signaling_.open();
        if (!recovering_ || signaling_.isOpen()) return;     // opened at once: attemptRecovery ran again
        scheduleAttempt(attemptWindowMs(++recoverAttempt_)); // the open may fail: try again then
        return;
    }
    if (signaling_.id() == boundPeer_) {
        dialRecovery();
        return;
    }
    // A new registration: the server binds it to the call (the console answers only the bound peer).
    const unsigned gen = generation_;
    const std::string id = signaling_.id();
    scheduleAttempt(attemptWindowMs(++recoverAttempt_));
    if (!http_) return;
    Json body;
    body["action"] = "rebind";
    body["call_id"] = callId_;
    body["peer_id"] = id;
    http_("POST", config_.apiBase + "/2/callKefu", dump(body), config_.visitorToken,
          alive_.guard([this, gen, id](HttpResponse r) {
              if (gen != generation_ || !recovering_) return;
              if (r.status == 200) {
                  boundPeer_ = id;
                  if (muted_) setMuted(true); // the server forgot the mute with the old peer (§5 `rebind`)
                  if (signaling_.isOpen() && signaling_.id() == id) dialRecovery();
              } else if (r.status == 404 || r.status == 409 || r.status == 403) {
                  // The call is over at the server (ended meanwhile, or not ours).
                  finish(CallState::Failed, CallEndReason::ConnectionLost);
              }
              // otherwise (network): the attempt timer tries again
          }));
}

void CallController::dialRecovery() {
    if (rec_) retire(std::move(rec_), false);
    ++recoverAttempt_;
    scheduleAttempt(attemptWindowMs(recoverAttempt_));
    recRemote_ = -1;
    recRemoteVideo_ = false;
    rec_ = newMedia(localStream_, true, video_ && hasVideo_);
    if (!rec_) return; // the attempt timer tries again
    rec_->setLeaveOnFailure(false);
    rec_->onStateChange(alive_.guard([this](MC::State s, MC::Reason) { handleRecoveryState(s); }));
    rec_->onRemoteTrack(alive_.guard([this](MediaKind kind, int handle) {
        recRemote_ = handle;
        if (kind == MediaKind::Video) recRemoteVideo_ = true;
    }));
    Json meta;
    meta["video"] = video_;
    meta["visitorId"] = config_.visitorId;
    meta["name"] = config_.visitorName;
    meta["callId"] = callId_;
    meta["recover"] = true;
    rec_->dial(agentPeer_, dump(meta));
    const unsigned gen = generation_;
    MC* mine = rec_.get();
    if (answerTimer_) scheduler_.cancel(answerTimer_);
    answerTimer_ = scheduler_.after(kAnswerMs, alive_.guard([this, gen, mine] {
        answerTimer_ = 0;
        if (gen == generation_ && recovering_ && rec_.get() == mine && mine->state() == MC::State::Offering)
            attemptRecovery(); // finds it unanswered
    }));
}

void CallController::handleRecoveryState(MC::State s) {
    if (!recovering_) return;
    if (s == MC::State::Connected) {
        commitRecovery();
    } else if (s == MC::State::Closed || s == MC::State::Failed) {
        recoverUnanswered_ = false;
        retire(std::move(rec_), false);
        scheduleAttempt(kRetryAfterFailMs);
    }
}

void CallController::commitRecovery() {
    std::unique_ptr<MC> next = std::move(rec_);
    stopRecovery();
    if (media_) retire(std::move(media_), false); // no LEAVE: it would close the new one at the agent too
    media_ = std::move(next);
    wireMedia();
    remoteStream_ = recRemote_ >= 0 ? recRemote_ : media_->remoteStream();
    remoteHasVideo_ = recRemoteVideo_;
    fire(remoteCb_, remoteStream_, remoteHasVideo_);
    changed();
}

void CallController::stopRecovery() {
    for (TimerId* t : {&recoverTimer_, &recoverDeadline_, &answerTimer_}) {
        if (*t) scheduler_.cancel(*t);
        *t = 0;
    }
    if (rec_) retire(std::move(rec_), false);
    recovering_ = false;
    recoverWaitsSignal_ = false;
    recoverUnanswered_ = false;
    recoverAttempt_ = 0;
}

} // namespace kefu
