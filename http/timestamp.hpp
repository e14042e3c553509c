// The two timestamp layouts Nextcloud sends: HTTP dates (Last-Modified,
// getlastmodified, comments' creationDateTime, Retry-After) and ISO 8601 with
// an offset (activities, admin_audit lines). Hand-written strict parsers:
// date::parse turns a seconds field it cannot read into NaN and converts that
// to an integer, undefined behaviour the fuzzer found on "12:44:" input.
#pragma once

#include <date/date.h>

#include <optional>
#include <string_view>

namespace prereadd::http {

// RFC 9110 section 5.6.7: IMF-fixdate ("Wed, 25 Nov 2026 12:43:42 GMT"), and
// the obsolete RFC 850 ("Wednesday, 25-Nov-26 12:43:42 GMT") and asctime
// ("Wed Nov 25 12:43:42 2026") forms a recipient must also accept.
std::optional<date::sys_seconds> parse_http_date(std::string_view text);

// "2026-11-25T12:43:02+00:00", "...Z", "...+0100", with optional fractional
// seconds (dropped). The offset is applied: the result is UTC.
std::optional<date::sys_seconds> parse_iso8601_timestamp(std::string_view text);

}  // namespace prereadd::http
