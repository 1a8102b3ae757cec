// MediaDevices and RtcPeerConnection for the call core, over getUserMedia and RTCPeerConnection
// (web/glue.js). Audio is always requested with noiseSuppression and echoCancellation.
#pragma once

#include "core/media.hpp"
#include "core/rtc.hpp"

#include <emscripten/val.h>

#include <map>

namespace kefu::web {

class BrowserRtc : public MediaDevices {
  public:
    explicit BrowserRtc(emscripten::val glue) : mGlue(std::move(glue)) {}

    void getUserMedia(bool audio, bool video, Callback done) override;
    void stopStream(int streamHandle) override;
    void setTrackEnabled(int streamHandle, MediaKind kind, bool enabled) override;
    Permission permission(bool video) const override;
    RtcPeerConnectionFactory factory();
    // Shows a stream in the panel: role "remote", "audio" or "local"; -1 detaches.
    void attach(const char* role, int streamHandle);

    void onMedia(unsigned req, const std::string& json);
    void onRtcResult(unsigned req, bool ok, const std::string& value);
    void onRtcEvent(unsigned pc, const std::string& name, const std::string& value);

  private:
    class JsPeerConnection;
    emscripten::val mGlue;
    unsigned mNext = 1;
    std::map<unsigned, Callback> mMedia;
    std::map<unsigned, std::function<void(bool, const std::string&)>> mResults;
    std::map<unsigned, JsPeerConnection*> mPcs;
};

} // namespace kefu::web
