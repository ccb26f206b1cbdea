package dev.nova.host.internal.serve;

/**
 * A request the server refuses: an HTTP status and the JSON error body OpenAI's clients read ({@code error.message},
 * {@code error.type}, {@code error.param}, {@code error.code}).
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String type;
    final String param;
    final String code;
    final String retryAfter;

    ApiError(int status, String type, String param, String code, String message, String retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** 400: a field is missing, of the wrong type or out of range. */
    static ApiError field(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, "invalid_value", message, null);
    }

    /** 400 without a field (the body as a whole). */
    static ApiError request(String message) {
        return new ApiError(400, "invalid_request_error", null, null, message, null);
    }

    /** Any other status. */
    static ApiError status(int status, String type, String code, String message) {
        return new ApiError(status, type, null, code, message, null);
    }

    /** 429 or 503 with {@code Retry-After}. */
    static ApiError later(int status, String code, String message, int seconds) {
        return new ApiError(status, status == 429 ? "rate_limit_error" : "server_error", null, code, message,
                Integer.toString(seconds));
    }
}
