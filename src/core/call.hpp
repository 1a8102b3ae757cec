// The visitor's voice/video call: the state machine behind the 语音 / 视频 buttons and the JS API.
//
//   start(video) ─► Requesting ─(getUserMedia ok, PeerJS registered, POST callpeer 200)─► Ringing
//   Ringing ─(chat `accept` with the agent's peer id)─► Connecting ─(ICE connected)─► InCall
//   any active state ─► Ended (hung up, cancelled) or Failed (with a CallEndReason)
//
// Early offer: when the callpeer response names the agent console's standing peer, the offer goes out
// while the console still rings (metadata holdsMedia:true). The console may answer it at once, so ICE and
// DTLS complete while it rings, but the call begins only at the chat `accept`: until then the send slots
// stay empty and the agent's stream is not handed out. An `accept` naming another peer, or an early offer
// that fails, falls back to dialling at accept.
//
// Every exit stops the local tracks (camera light off) and closes the RTCPeerConnection. One controller
// serves any number of calls in sequence; its PeerJS registration survives between calls.
#pragma once

#include "media.hpp"
#include "peerjs/media_connection.hpp"
#include "peerjs/options.hpp"
#include "peerjs/socket.hpp"
#include "platform.hpp"
#include "rtc.hpp"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kefu {

enum class CallState { Idle, Requesting, Ringing, Connecting, InCall, Ended, Failed };

// "idle", "requesting", "ringing", "connecting", "in-call", "ended", "failed"
const char* toString(CallState state);

enum class CallEndReason {
    None,
    HungUpLocal,       // ended: the visitor hung up
    HungUpRemote,      // ended: the agent hung up
    PermissionDenied,  // getUserMedia NotAllowedError / SecurityError (also a frame without allow="camera; microphone")
    NoCamera,          // NotFoundError in a video call; canFallbackToVoice() is then true
    NoMicrophone,      // NotFoundError in a voice call, or a stream without audio
    InsecureContext,   // navigator.mediaDevices missing: http:// page or a very old browser
    DeviceBusy,        // NotReadableError: another application holds the device
    ServerUnreachable, // backend or PeerJS server not reachable
    IdTaken,           // PeerJS refused our id twice
    AgentUnreachable,  // the agent's peer id is not connected to the PeerJS server (EXPIRE)
    NoAnswer,          // nobody accepted within the ring timeout
    Rejected,          // the agent declined
    AgentOffline,      // 503 offline: no agent online
    Busy,              // 409: a call is already ringing or running for this visitor
    ConnectionLost,    // ICE failed / never connected / dropped for too long
    Cancelled,         // ended: the visitor gave up before the agent accepted
};

// "none", "hangup-local", "hangup-remote", "permission-denied", "no-camera", "no-microphone", "insecure-context",
// "device-busy", "server-unreachable", "id-taken", "agent-unreachable", "no-answer", "rejected",
// "agent-offline", "busy", "connection-lost", "cancelled"
const char* toString(CallEndReason reason);

struct CallConfig {
    std::string apiBase;      // backend origin, e.g. "https://kefu.example.com" (POST {apiBase}/2/callKefu)
    std::string visitorToken; // Bearer token of the visitor
    std::string visitorId;
    std::string kefuId;                // the agent (kefu) being called
    std::string visitorName;           // shown to the agent, through the offer metadata
    peerjs::Options peer;              // the "peer" object of GET /api/config
    std::string iceServersJson = "[]"; // the "iceServers" array of GET /api/config
    int ringTimeoutMs = 30000;
    int connectTimeoutMs = 20000; // from accept to ICE connected
    int disconnectGraceMs = 4000; // see MediaConnection::Config
    int recoverTimeoutMs = 30000; // a lost call is re-dialled this long before it ends as connection-lost
};

// A running call as a page hands it to the next page of the same site (resume()).
struct ResumeInfo {
    std::string callId;
    std::string agentPeer;
    bool video = false;
    std::int64_t startedMs = 0; // wall clock of the call's start
};

// The stored form of a running call (CallController::resumeRecord()). False for anything else:
// the storage is the host page's and may hold anything. `nowMs` bounds its age.
bool parseResumeRecord(const std::string& text, std::int64_t nowMs, ResumeInfo& out);

class CallController {
  public:
    CallController(CallConfig config, Scheduler& scheduler, SocketFactory sockets, HttpFn http, MediaDevices& devices,
                   RtcPeerConnectionFactory rtc);
    ~CallController(); // releases devices and the connection silently; use shutdown() to tell the others
    CallController(const CallController&) = delete;
    CallController& operator=(const CallController&) = delete;

    // Identity and servers. Takes effect for the next call; a changed PeerJS server drops the registration.
    void setConfig(CallConfig config);
    const CallConfig& config() const { return config_; }

    // The agent console's standing peer as the chat socket announces it: the offer then goes out with the
    // ring instead of after the server's answer. Invalid ids are ignored.
    void setStandingPeer(const std::string& peer);

    // Registers with the PeerJS server ahead of the click, so start() does not wait for it, and keeps a
    // voice connection with its offer made (no network activity) ready for the next call.
    void prepare();
    // The pointer is on 语音 (hover, or a touch's press): the connection made ahead sets its offer now, so
    // ICE gathers before the click and the offer leaves with the ring. Nothing is sent; without a click
    // within kPrimeHoldMs it is replaced by a fresh, unset one.
    void primeVoice();

    // Starts a call. False (and nothing happens) while another call is active. `answering`: the id of an
    // agent's call-back this call answers (its callpeer names it; the rest is an ordinary call).
    bool start(bool video, std::string answering = {});
    // Cancels (before the agent accepted) or hangs up (after). No-op when no call is active.
    void hangup();
    // Page unload: ends any call, telling the agent (LEAVE) and the backend, and leaves the PeerJS server.
    void shutdown();

    // Inputs from the chat socket (docs/PROTOCOL.md §4): `accept` (the agent's peer id), `reject`
    // (data.reason: "rejected" | "busy" | "offline") and `hangup` (data.reason: "agent" | "timeout" | …).
    void onAccept(const std::string& agentPeerId);
    void onReject(const std::string& reason = "rejected");
    void onRemoteHangup(const std::string& reason = "agent");
    // Chat `switch` {accepted:false}: the agent declined turning the call into a video call.
    void onSwitchDeclined();

    // Local audio on/off (track.enabled). False when no call is active.
    bool setMuted(bool muted);
    bool muted() const { return muted_; }
    // Local camera on/off in a video call. False in voice calls or when no call is active.
    bool setCameraEnabled(bool enabled);
    bool cameraEnabled() const { return cameraEnabled_; }

    // Switches a call in progress between voice and video. Stock peerjs cannot renegotiate a connection,
    // so this calls the agent's peer again (same call id) with the new devices; the current connection
    // carries the conversation until the new one is connected, then is dropped without a LEAVE (which
    // would close every connection between the two peers). False when not in a call, already switching,
    // or already of that kind. A switch that cannot happen leaves the call as it was, with switchError().
    bool switchMedia(bool video);
    bool switching() const { return switching_; }

    // Recovery (call_recover.cpp, docs/PROTOCOL.md §6 "Recovery"): when the path of a running call goes
    // `disconnected` or `failed`, the agent's peer is dialled again for the same call (metadata
    // recover:true), with backoff, until a new connection is up or recoverTimeoutMs pass. The call's
    // state stays InCall and its clock runs on; reconnecting() is true meanwhile.
    bool reconnecting() const { return recovering_; }
    // The running call for the next page (empty when none): see parseResumeRecord().
    std::string resumeRecord() const;
    // The page before this one had that call running: takes it up (the microphone, then a recovery
    // offer from this page's registration). False when a call is active or `info` is not usable.
    bool resume(const ResumeInfo& info);
    // Page unload with the running call handed to the next page (resumeRecord()): the agent and the
    // server are told nothing; connections close without LEAVE, devices are released. Otherwise shutdown().
    void suspend();
    bool switchTarget() const { return switchTo_; }
    CallEndReason switchError() const { return switchError_; }

    CallState state() const { return state_; }
    CallEndReason reason() const { return reason_; }
    bool isActive() const;
    bool isVideo() const { return video_; }
    // After Failed/NoCamera in a video call: the UI may offer a voice call instead.
    bool canFallbackToVoice() const { return canFallback_; }
    // Seconds in InCall; frozen once the call ends.
    int elapsedSeconds() const;
    int localStream() const { return localStream_; }   // preview; -1 when none
    int remoteStream() const { return remoteStream_; } // for <video>/<audio> srcObject; -1 when none
    bool remoteHasVideo() const { return remoteHasVideo_; }
    const std::string& callId() const { return callId_; }
    const std::string& agentPeerId() const { return agentPeer_; }
    peerjs::Signaling& signaling() { return signaling_; }

    void onStateChange(std::function<void(CallState, CallEndReason)> cb) { stateCb_ = std::move(cb); }
    // Anything visible changed (state, streams, mute, camera): redraw.
    void onChange(std::function<void()> cb) { changeCb_ = std::move(cb); }
    // The remote stream to attach (fires once per remote track, like peerjs' `stream`).
    void onRemoteStream(std::function<void(int handle, bool hasVideo)> cb) { remoteCb_ = std::move(cb); }
    // A switch (switchMedia) finished: ok, or why not (the call goes on either way).
    void onSwitch(std::function<void(bool ok, CallEndReason why)> cb) { switchCb_ = std::move(cb); }
    // The running call's path was just lost (recovery begins): the network may have moved under every
    // other socket of the page too.
    void onPathLost(std::function<void()> cb) { pathLostCb_ = std::move(cb); }

  private:
    void ensureSignaling();
    void handleMedia(unsigned generation, const MediaResult& r);
    void proceed();
    void failAfterRing(CallEndReason reason);
    void postCallpeer();
    void handleCallpeer(unsigned generation, const HttpResponse& r);
    void accept(const std::string& agentPeerId);
    void enterConnecting();
    void takeUpEarlyMedia();
    // Before the agent's `accept`: nothing is sent on a connection, nothing from it is played.
    bool beforeAccept() const { return state_ == CallState::Requesting || state_ == CallState::Ringing; }
    void dialEarly();    // to the standing peer, once the ring is out
    void dialStanding(); // to the standing peer now (proceed(): just before the ring)
    std::string metadata(bool video) const;
    void voidEarlyOfferUnlessTo(const std::string& peer);
    void placeCall();
    void prepareMedia();
    bool createMedia();
    void handleMediaState(peerjs::MediaConnection::State s, peerjs::MediaConnection::Reason r);
    std::unique_ptr<peerjs::MediaConnection> newMedia(int stream, bool audio, bool video, bool startOffer = true);
    void wireMedia();
    void handleSwitchMedia(unsigned generation, const MediaResult& r);
    void handleSwitchState(peerjs::MediaConnection::State s);
    void commitSwitch();
    void abandonSwitch(CallEndReason why);
    void retire(std::unique_ptr<peerjs::MediaConnection> mc, bool leave);
    void scheduleWarm(int delayMs);
    void warmUp();
    void dropWarm();
    void handleSignalingState(peerjs::Signaling::State s);
    bool beginRecovery();
    void attemptRecovery();
    void dialRecovery();
    void scheduleAttempt(int delayMs);
    void handleRecoveryState(peerjs::MediaConnection::State s);
    void commitRecovery();
    void stopRecovery();
    void handleResumeMedia(unsigned generation, const MediaResult& r);
    bool reopenSignaling();
    void postAction(const std::string& bodyJson);
    void postCancel(CallEndReason why = CallEndReason::Cancelled); // a device failure says which
    void reportMicReady(); // `mic`: the visitor allowed the devices the ring said were being asked for
    void reportHangup();   // `hangup` with the duration so far
    void report(const nlohmann::json& body);                                    // {"action",…} without call_id
    void postEnd(const char* outcome, CallEndReason why = CallEndReason::None); // a device failure says which
    void finish(CallState terminal, CallEndReason reason);
    void teardownMedia();
    void setState(CallState s, CallEndReason r = CallEndReason::None);
    void changed();
    void reap();
    int durationSeconds() const;

    CallConfig config_;
    Scheduler& scheduler_;
    HttpFn http_;
    MediaDevices& devices_;
    RtcPeerConnectionFactory rtc_;
    peerjs::Signaling signaling_;

    CallState state_ = CallState::Idle;
    CallEndReason reason_ = CallEndReason::None;
    unsigned generation_ = 0;       // one per call; callbacks of an older call are stale
    unsigned cancelGeneration_ = 0; // a call cancelled while POST callpeer was in flight
    bool video_ = false;
    bool canFallback_ = false;
    bool muted_ = false;
    bool cameraEnabled_ = true;
    bool mediaReady_ = false;
    bool hasAudio_ = false;
    bool hasVideo_ = false;
    bool callpeerSent_ = false;
    bool fastRing_ = false;   // ring without waiting for getUserMedia (the permission is not refused)
    bool asking_ = false;     // the browser asks the visitor for the devices (no permission yet)
    bool askingSent_ = false; // the ring said so (`mic: "asking"`): the grant is reported (reportMicReady)
    bool signalingRetried_ = false;
    int localStream_ = -1;
    int remoteStream_ = -1;
    bool remoteHasVideo_ = false;
    bool earlyRemoteVideo_ = false; // the console's video reached us before the accept (not shown yet)
    std::string callId_;
    std::string agentPeer_;
    std::string pendingAgentPeer_; // `accept` that overtook the POST callpeer response
    std::string standingPeer_;     // the console's standing peer this call's early offer goes to
    std::string announcedPeer_;    // the standing peer the chat socket announced
    std::string answering_;        // the call-back this call answers (start())
    std::string lateReport_;       // cancel/hangup/end made before the call id was known (report())
    std::int64_t startMs_ = 0;
    std::int64_t endMs_ = 0;
    TimerId ringTimer_ = 0;
    TimerId connectTimer_ = 0;
    TimerId reapTimer_ = 0;

    // The next voice call's connection, made ahead (see prepare()).
    std::unique_ptr<peerjs::MediaConnection> warm_;
    bool warmWanted_ = false;
    TimerId warmTimer_ = 0;
    TimerId primeTimer_ = 0; // a primed connection not used in time (primeVoice)

    // A voice <-> video switch in progress (see switchMedia).
    bool switching_ = false;
    bool switchTo_ = false;
    CallEndReason switchError_ = CallEndReason::None;
    int nextStream_ = -1;
    int nextRemote_ = -1;
    bool nextRemoteVideo_ = false;
    bool oldGone_ = false; // the connection being replaced closed first
    TimerId switchTimer_ = 0;
    std::unique_ptr<peerjs::MediaConnection> next_;

    // Recovery of a lost call (see reconnecting()).
    bool recovering_ = false;
    bool recoverWaitsSignal_ = false; // the next attempt waits for the registration to open
    bool recoverUnanswered_ = false;  // the last attempt's offer got no ANSWER: maybe a dead socket
    int recoverAttempt_ = 0;
    int recRemote_ = -1;
    bool recRemoteVideo_ = false;
    TimerId recoverDeadline_ = 0;
    TimerId recoverTimer_ = 0;
    TimerId answerTimer_ = 0; // the console's ANSWER to the current attempt is due
    std::string boundPeer_;   // the peer id the server has bound to the call (callpeer, rebind)
    std::unique_ptr<peerjs::MediaConnection> rec_;

    std::unique_ptr<peerjs::MediaConnection> media_;
    std::vector<std::unique_ptr<peerjs::MediaConnection>> retired_; // freed outside their own callbacks

    std::function<void(CallState, CallEndReason)> stateCb_;
    std::function<void()> changeCb_;
    std::function<void(int, bool)> remoteCb_;
    std::function<void(bool, CallEndReason)> switchCb_;
    std::function<void()> pathLostCb_;
    peerjs::AliveToken alive_;
};

} // namespace kefu
