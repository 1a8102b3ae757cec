// Every string the widget shows, in Simplified Chinese and English, plus time and duration formatting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/message.hpp"

namespace kefu {

enum class Locale { ZhCN, En };

// "zh", "zh-CN", "zh_Hans", "zh-TW"… → ZhCN; everything else (including "") → En.
Locale parseLocale(std::string_view tag);
// The protocol's tag for a locale: "zh-CN" or "en".
const char* localeTag(Locale locale);

enum class Key {
    // Header and connection
    Title,
    Subtitle,
    Online,
    Offline,
    Connecting,
    Reconnecting,
    AgentOffline,
    Close,
    Minimize,
    OpenChat,
    // Conversation
    WelcomeFallback,
    Placeholder,
    Send,
    AgentTyping,
    LoadOlder,
    Loading,
    NoMoreHistory,
    Today,
    Yesterday,
    You,
    AgentFallbackName,
    Sending,
    ReadByAgent,
    Delivered,      // under the visitor's newest message once the server has it
    NewMessagePill, // the "新消息 ↓" pill while the visitor is scrolled up
    UnreadDivider,  // above the first unread message on reopening
    // Send errors
    ErrorTooLong,
    ErrorEmpty,
    ErrorRateLimited,
    ErrorSendFailed,
    ErrorTimeout,
    ErrorOffline,
    Retry,
    Discard,
    // Calls: buttons and states
    Voice,
    Video,
    VoiceCall,
    VideoCall,
    CallRequestingDevices,
    CallRinging,
    CallConnecting,
    CallInCall,
    CallEnded,
    CallFailed,
    // Call failure reasons
    CallErrPermissionDenied,
    CallErrNoCamera,
    CallErrNoMicrophone,
    CallErrInsecureContext,
    CallErrServerUnreachable,
    CallErrIdTaken,
    CallErrAgentUnreachable,
    CallErrAgentOffline,
    CallErrBusy,
    CallErrNoAnswer,
    CallErrRejected,
    CallErrConnectionLost,
    // Calls this browser cannot make at all (语音/视频 shown as unavailable)
    CallsUnavailableNoWebRtc,
    CallsUnavailableNoMedia,
    CallsUnavailableAway,  // 语音 / 视频 dimmed: nobody of the group is there (status `unavailable` "nobody")
    CallsUnavailableHours, // …or outside business hours ("hours")
    SendNeedsText,         // why 发送 is disabled
    UseVoiceInstead,
    // Switching a call in progress
    SwitchToVideo,
    SwitchToVoice,
    EnlargeVideo, // the call bar's control that shows the agent's video full screen
    CallSwitching,
    CallReconnecting,   // a lost path is being replaced (call recovery)
    CallPoorConnection, // the call's quality level is poor (call_quality.hpp)
    SwitchErrNoCamera,
    SwitchErrDenied,
    SwitchErrFailed,
    SwitchErrDeclined,
    // Call controls
    Mute,
    Unmute,
    CameraOn,
    CameraOff,
    HangUp,
    Cancel,
    // An agent's call-back ringing
    Answer,
    Decline,
    CallIncomingVoice,
    CallIncomingVideo,
    // Call history lines ("%s" is the duration)
    CallLineVoice,
    CallLineVideo,
    CallMissed,
    CallDeclined,
    CallCancelled,
    CallLineFailed,
    // Launcher badge ("%d" is the count)
    UnreadBadge,
    Count // not a string
};

// Never null, never empty.
const char* tr(Locale locale, Key key);

// tr() with its "%s" (or "%d") replaced by `arg`.
std::string trf(Locale locale, Key key, std::string_view arg);

// "02:31" under an hour, "1:02:03" from an hour on; negative counts as 0.
std::string formatDuration(int seconds);

// Message times come from the server and from localStorage, so any int64 can arrive. Date arithmetic
// works on them clamped to what a JavaScript Date can hold (±8.64e15 ms, about ±273,790 years), and
// time zone offsets clamped to ±24 h, so that nothing below can overflow.
constexpr std::int64_t kMaxTimeMs = 8'640'000'000'000'000;
std::int64_t clampTimeMs(std::int64_t ms);

// `tzOffsetMin` is local time minus UTC in minutes, i.e. -new Date().getTimezoneOffset() (+480 in China).
// Days since the Unix epoch in local time.
std::int64_t localDay(std::int64_t ms, int tzOffsetMin);
// "14:05" (24-hour clock, local time).
std::string formatTime(std::int64_t ms, int tzOffsetMin);
// "今天" / "Today", "昨天" / "Yesterday", otherwise the date ("3月5日" / "Mar 5", with the year when it is
// not the current one: "2024年3月5日" / "Mar 5, 2024").
std::string dayLabel(Locale locale, std::int64_t ms, std::int64_t nowMs, int tzOffsetMin);
// Time separator between message groups: "14:05" today, otherwise day label + time.
std::string separatorLabel(Locale locale, std::int64_t ms, std::int64_t nowMs, int tzOffsetMin);

// The line shown for a call record: "语音通话 02:31" / "Voice call 02:31", "视频通话 · 未接通" / "Video call
// · Missed call"…
std::string callLine(Locale locale, const CallInfo& call);

// Accessible text for the launcher badge: "3 条未读消息" / "3 unread messages".
std::string unreadLabel(Locale locale, int unread);

} // namespace kefu
