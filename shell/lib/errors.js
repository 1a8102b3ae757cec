'use strict';
// API errors: one shape for HTTP bodies and WebSocket `error` frames.

const STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  too_long: 400,
  rate_limited: 429,
  internal: 500,
  offline: 503,
};

class ApiError extends Error {
  constructor(code, message, status) {
    super(message || code);
    this.code = code;
    this.status = status || STATUS[code] || 400;
  }
  toJSON() {
    return { code: this.code, message: this.message };
  }
}

const err = (code, message) => new ApiError(code, message);

function sendError(res, e) {
  if (res.headersSent) return;
  res.status(e.status).json({ error: { code: e.code, message: e.message } });
}

// Maps whatever was thrown (body-parser errors included) to an ApiError.
function toApiError(e) {
  if (e instanceof ApiError) return e;
  if (e && e.type === 'entity.parse.failed') return err('bad_request', 'Request body is not valid JSON');
  if (e && e.type === 'entity.too.large') return err('too_large', 'Request body is too large');
  if (e && (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')) {
    return new ApiError('bad_request', 'Unsupported body encoding', 415);
  }
  if (e && e.type === 'request.aborted') return err('bad_request', 'Request aborted');
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new ApiError('bad_request', 'Bad request', e.status);
  }
  return err('internal', 'Internal server error');
}

// Express error handler: JSON body, never a stack trace.
function errorHandler(log) {
  // eslint-disable-next-line no-unused-vars
  return (e, req, res, next) => {
    const apiErr = toApiError(e);
    if (apiErr.code === 'internal') log.error(`${req.method} ${req.path}:`, e && e.stack ? e.stack : e);
    sendError(res, apiErr);
  };
}

module.exports = { ApiError, err, sendError, toApiError, errorHandler, STATUS };
