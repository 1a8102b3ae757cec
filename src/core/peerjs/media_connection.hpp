// One outgoing PeerJS media call (the caller side of peerjs' MediaConnection + Negotiator), interoperable
// with a stock peerjs 1.5.5 callee: the agent sees an ordinary `call` event with our metadata.
#pragma once

#include "../platform.hpp"
#include "../rtc.hpp"
#include "alive.hpp"
#include "socket.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kefu::peerjs {

class MediaConnection {
  public:
    enum class State {
        New,       // constructed, call() not yet invoked
        Offering,  // creating / sending the offer, waiting for the ANSWER
        Answered,  // remote description set, ICE checking
        Connected, // ICE connected: media flows
        Closed,    // hung up (locally or by the remote side)
        Failed,    // could not connect, or the connection was lost
    };

    enum class Reason {
        None,
        LocalHangup,       // hangup()
        RemoteLeave,       // LEAVE from the remote peer
        RemoteClose,       // the auxiliary data channel closed after it had opened (remote call.close())
        PeerUnavailable,   // EXPIRE: the remote id is not connected to the server (peerjs "peer-unavailable")
        ConnectionLost,    // ICE failed, or disconnected for longer than the grace period
        NegotiationFailed, // createOffer / setLocalDescription / setRemoteDescription failed (peerjs "webrtc")
        SignalingLost,     // the offer could not be sent
    };

    struct Config {
        // ICE policy: `disconnected` often heals by itself (Wi-Fi roaming, a brief loss), so it is tolerated
        // this long; `failed` ends the connection at once. No ICE restart: stock peerjs cannot renegotiate;
        // the call controller moves the call to a new connection instead (onTransportChange).
        int disconnectGraceMs = 4000;
        // Label of the auxiliary data channel; stock peerjs accepts any label for it.
        std::string dataChannelLabel = "kefu";
    };

    struct Media {
        int localStream = -1;     // -1: receive only
        bool sendAudio = false;   // the local stream has audio tracks
        bool sendVideo = false;   // the local stream has video tracks
        bool receiveAudio = true; // kinds we want from the agent; missing send kinds become recvonly
        bool receiveVideo = false;
    };

    MediaConnection(Signaling& signaling, Scheduler& scheduler, std::unique_ptr<RtcPeerConnection> pc);
    MediaConnection(Signaling& signaling, Scheduler& scheduler, std::unique_ptr<RtcPeerConnection> pc, Config config);
    ~MediaConnection(); // closes the peer connection silently (no LEAVE, no callbacks)
    MediaConnection(const MediaConnection&) = delete;
    MediaConnection& operator=(const MediaConnection&) = delete;

    // Starts the offer towards `peer`. `metadataJson` reaches the agent as call.metadata (omitted if empty).
    // False when already started or without a peer connection.
    bool call(const std::string& peer, const Media& media, const std::string& metadataJson = "");
    // call() in two steps: prepare() builds the connection and its offer (ICE starts gathering) before the
    // agent is known; dial() sends the offer to `peer` as soon as it is ready. Candidates wait for the offer.
    bool prepare(const Media& media);
    bool dial(const std::string& peer, const std::string& metadataJson = "");
    // prepare() in three steps, for a connection made before the visitor clicks: warm() builds the
    // connection with empty send slots and creates its offer (no network activity yet); startOffer() sets
    // it (ICE starts gathering; dial() does it too); attachLocal() puts the granted tracks into the slots.
    bool warm(const Media& media);
    void startOffer();
    void attachLocal(int streamHandle);
    bool warmed() const { return prepared_ && !offerWanted_ && !isTerminal(); }
    // Whether failing sends LEAVE (default true). Off while a second connection to the same peer is in
    // play (a voice/video switch): stock peerjs would close that one too.
    void setLeaveOnFailure(bool leave) { leaveOnFailure_ = leave; }
    bool prepared() const { return prepared_; }
    // Sends LEAVE to the peer (once the offer went out), closes the data channel and the connection.
    void hangup();
    // Closes the data channel and the connection without a LEAVE: another connection to the same peer
    // lives on (a LEAVE makes stock peerjs close every connection with us).
    void close();

    State state() const { return state_; }
    Reason reason() const { return reason_; }
    bool isTerminal() const { return state_ == State::Closed || state_ == State::Failed; }
    const std::string& peer() const { return peer_; }
    const std::string& connectionId() const { return connectionId_; }
    int remoteStream() const { return remoteStream_; } // -1 until the first remote track

    void onStateChange(std::function<void(State, Reason)> cb) { stateCb_ = std::move(cb); }
    void onRemoteTrack(std::function<void(MediaKind, int remoteStreamHandle)> cb) { trackCb_ = std::move(cb); }
    // A connected path went `disconnected` (false) or came back (true), before any grace runs out.
    void onTransportChange(std::function<void(bool up)> cb) { transportCb_ = std::move(cb); }

  private:
    void handleMessage(const ServerMessage& m);
    void handleAnswer(const ServerMessage& m);
    void applyAnswer(const std::string& sdp);
    void handleLocalCandidate(const std::string& candidateJson);
    void handleTransport(const std::string& state);
    void sendOffer(const std::string& sdp);
    void setOffer();
    void addRemoteCandidate(const std::string& candidateJson);
    void fail(Reason reason);
    void finish(State terminal, Reason reason, bool sendLeave);
    void cleanup(bool sendLeave);
    void setState(State s, Reason r = Reason::None);

    Signaling& signaling_;
    Scheduler& scheduler_;
    std::unique_ptr<RtcPeerConnection> pc_;
    Config config_;

    State state_ = State::New;
    Reason reason_ = Reason::None;
    std::string peer_;
    std::string connectionId_;
    std::string metadataJson_;
    int route_ = 0;
    bool prepared_ = false;
    std::string offerSdp_; // createOffer's result
    bool offerWanted_ = false;
    bool leaveOnFailure_ = true;
    bool localDescriptionSet_ = false;         // setLocalDescription succeeded
    std::optional<std::string> pendingAnswer_; // an ANSWER that came while our setLocalDescription ran
    bool offerSent_ = false;
    bool answerSeen_ = false;
    bool remoteDescriptionSet_ = false;
    bool dataChannelOpen_ = false;
    int remoteStream_ = -1;
    std::vector<std::string> localCandidates_;  // held until the OFFER is out
    std::vector<std::string> remoteCandidates_; // held until the remote description is set
    TimerId graceTimer_ = 0;

    std::function<void(State, Reason)> stateCb_;
    std::function<void(MediaKind, int)> trackCb_;
    std::function<void(bool)> transportCb_;
    bool transportDown_ = false;
    AliveToken alive_;
};

const char* toString(MediaConnection::State state);
const char* toString(MediaConnection::Reason reason);

} // namespace kefu::peerjs
