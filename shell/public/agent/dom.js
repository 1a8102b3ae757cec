// The console page's elements, looked up once (ids from index.html; tests rely on them, shell/README.md).
import { $ } from './util.js';

export const el = {
  loginView: $('login-view'), loginForm: $('login-form'), loginUser: $('login-user'), loginPass: $('login-pass'),
  loginError: $('login-error'), loginSubmit: $('login-submit'),
  console: $('console-view'), conn: $('conn-status'), agentName: $('agent-name'), logout: $('logout'),
  visitorList: $('visitor-list'), visitorEmpty: $('visitor-empty'), visitorCount: $('visitor-count'), filter: $('visitor-filter'),
  chatEmpty: $('chat-empty'), chatPane: $('chat-pane'), chatName: $('chat-name'), chatDot: $('chat-dot'),
  chatPresence: $('chat-presence'), chatMeta: $('chat-meta'),
  messages: $('messages'), messageList: $('message-list'), loadOlder: $('load-older'), historyStart: $('history-start'),
  typing: $('typing-indicator'), replyForm: $('reply-form'), reply: $('reply'), send: $('send'),
  replyCount: $('reply-count'), replyError: $('reply-error'),
  callCard: $('call-card'), callKind: $('call-kind'), callName: $('call-name'), callStatus: $('call-status'),
  callTimer: $('call-timer'), callAccept: $('call-accept'), callReject: $('call-reject'), callHangup: $('call-hangup'),
  callMute: $('call-mute'), callQueue: $('call-queue'),
  remoteVideo: $('agent-remote-video'), remoteAudio: $('agent-remote-audio'), localVideo: $('agent-local-video'),
  switchPrompt: $('switch-prompt'), switchAccept: $('switch-accept'), switchDecline: $('switch-decline'),
};
