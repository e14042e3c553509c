// Request orchestration: authentication, redirects, retries with back-off and
// the 401 latch, on top of the per-origin pools (contract in client.hpp).
#include "http/client.hpp"

#include "http/retry_policy.hpp"
#include "http/tls.hpp"
#include "http/url.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/evp.h>

namespace prereadd::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

std::string basic_authorization(const credential& cred)
{
    if (cred.user.empty()) return {};
    const std::string plain = cred.user + ':' + cred.app_password.reveal_for_authorization();
    std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                            reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
    encoded.resize(static_cast<std::size_t>(n));
    return "Basic " + encoded;
}

bool is_redirect(unsigned status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string body_excerpt(const std::string& body);

// Nextcloud in maintenance mode: OCS, Talk and Deck say it in a header (21c-21e),
// WebDAV only in its Sabre error body (21b: OCA\DAV\Exception\ServerMaintenanceMode).
bool says_maintenance(const response& res)
{
    return res.status == 503 && (res.header("X-Nextcloud-Maintenance-Mode") == "1" ||
                                 res.body.find("ServerMaintenanceMode") != std::string::npos);
}

// The failure a final status is (401, 403, 429, 502-504), or nothing.
std::optional<failure> failure_of_status(const response& res, bhttp::verb method, const url& target,
                                         std::optional<std::chrono::seconds> retry_after)
{
    const std::string where = std::string(bhttp::to_string(method)) + ' ' + target.to_string();
    switch (res.status) {
    case 401: return failure{http::error::unauthorized, where, res.status};
    case 403: return failure{http::error::forbidden, where + ": " + body_excerpt(res.body), res.status};
    case 429: return failure{http::error::rate_limited, where, res.status, retry_after};
    case 502:
    case 503:
    case 504: {
        std::string why = where + " answered " + std::to_string(res.status);
        if (says_maintenance(res))
            return failure{http::error::maintenance_mode, why + " (maintenance mode)", res.status, retry_after};
        return failure{http::error::server_unavailable, why, res.status, retry_after};
    }
    default: return std::nullopt;
    }
}

// The request again for the redirect's target; a 303 turns it into a GET.
void follow(bhttp::request<bhttp::string_body>& req, const url& target, unsigned status)
{
    req.target(target.target);
    if (status == 303 && req.method() != bhttp::verb::head) {
        req.method(bhttp::verb::get);
        req.body().clear();
        req.erase(bhttp::field::content_type);
        req.prepare_payload();
    }
}

std::string body_excerpt(const std::string& body)
{
    constexpr std::size_t limit = 200;
    std::string text = body.substr(0, limit);
    for (char& c : text)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (body.size() > limit) text += "...";
    return text;
}

}  // namespace

client::client(asio::any_io_executor executor, client_config config, credential cred)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      credential_(std::move(cred)),
      authorization_(basic_authorization(credential_)),
      tls_(make_client_tls_context(config_.ca_file))
{
    jitter_ = [engine = std::mt19937_64(std::random_device{}())]() mutable {
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
}

void client::reset_credential(credential cred)
{
    credential_ = std::move(cred);
    authorization_ = basic_authorization(credential_);
    credential_rejected_ = false;
}

void client::close_idle()
{
    for (auto& [peer, pool] : pools_) pool->close_idle();
}

pool_stats client::connection_stats() const
{
    pool_stats sum;
    for (const auto& [peer, pool] : pools_) {
        sum.opened += pool->stats().opened;
        sum.reused += pool->stats().reused;
        sum.stale += pool->stats().stale;
    }
    return sum;
}

std::size_t client::open_connections() const
{
    std::size_t n = 0;
    for (const auto& [peer, pool] : pools_) n += pool->open_connections();
    return n;
}

host_pool& client::pool_for(const origin& peer)
{
    auto& slot = pools_[peer];
    if (!slot)
        slot =
            std::make_unique<host_pool>(executor_, peer, &tls_, config_.max_connections_per_host, config_.idle_timeout);
    return *slot;
}

asio::awaitable<outcome<response>> client::async_attempt(host_pool& pool, bhttp::request<bhttp::string_body>& req,
                                                         std::chrono::milliseconds timeout)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    const auto deadline = connection::clock::now() + timeout;
    bool fresh = false;
    for (;;) {
        auto acquired = co_await pool.async_acquire(deadline, fresh);
        if (!acquired) co_return acquired.error();
        auto conn = std::move(*acquired);
        const bool was_reused = conn->carried_requests();
        auto result = co_await conn->async_exchange(req, deadline, {config_.max_body_size, config_.max_header_size});
        const bool stale =
            !result && was_reused && conn->nothing_received() && result.error().code == http::error::connection_closed;
        pool.release(std::move(conn));
        ++stats_.attempts;
        // The server may close an idle keep-alive connection just as we send on
        // it; that says nothing about the request, so try once on a new one.
        if (stale && !fresh && is_idempotent(req.method())) {
            fresh = true;
            continue;
        }
        co_return result;
    }
}

asio::awaitable<outcome<response>> client::async_request(request r)
{
    if (!observer_) co_return co_await async_request_unobserved(std::move(r));
    exchange_record record;
    record.method = std::string(bhttp::to_string(r.method));
    if (auto target = parse_url(r.url)) record.path = target->target.substr(0, target->target.find('?'));
    const auto started = std::chrono::steady_clock::now();
    auto result = co_await async_request_unobserved(std::move(r));
    record.took = std::chrono::steady_clock::now() - started;
    if (result)
        record.status = result->status;
    else {
        record.status = result.error().status;
        record.error = result.error().code;
        record.retry_after = result.error().retry_after;
    }
    observer_(record);
    co_return result;
}

client::wire_request client::wire_request_of(request& r, const url& target) const
{
    wire_request req{r.method, target.target, 11};
    for (const auto& field : r.headers) req.set(field.name_string(), field.value());
    req.set(bhttp::field::host, target.origin.host_header());
    req.set(bhttp::field::user_agent, config_.user_agent);
    if (!authorization_.empty() && !r.anonymous) req.set(bhttp::field::authorization, authorization_);
    if (r.ocs) req.set("OCS-APIRequest", "true");
    req.keep_alive(true);
    req.body() = std::move(r.body);
    req.prepare_payload();
    return req;
}

asio::awaitable<outcome<response>> client::async_with_retries(const url& target, wire_request& req,
                                                              std::chrono::milliseconds timeout,
                                                              bhttp::verb retry_as,
                                                              std::optional<std::chrono::seconds>& retry_after)
{
    host_pool& pool = pool_for(target.origin);
    for (unsigned attempt = 1;; ++attempt) {
        auto result = co_await async_attempt(pool, req, timeout);
        auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
        if (cancelled != asio::cancellation_type::none)
            co_return failure{asio::error::operation_aborted, "request to " + target.to_string() + " cancelled"};
        attempt_result seen;
        if (!result) {
            seen.transport = result.error().code;
        } else {
            result->attempts = attempt;
            seen.status = result->status;
            if (auto value = result->header("Retry-After"); !value.empty())
                seen.retry_after = parse_retry_after(value, std::chrono::system_clock::now());
            seen.maintenance = says_maintenance(*result);
        }
        retry_after = seen.retry_after;
        auto decision = decide_retry(config_.retry, retry_as, attempt, seen, jitter_());
        if (!decision.retry) co_return result;
        ++stats_.retries;
        asio::steady_timer pause(executor_);
        pause.expires_after(decision.delay);
        auto [ec] = co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return failure{ec, "request to " + target.to_string() + " cancelled during back-off"};
    }
}

asio::awaitable<outcome<response>> client::async_request_unobserved(request r)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    ++stats_.requests;
    // A caller cancelled earlier in this coroutine gets no new request: a
    // cancellation is a one-time signal, and would miss operations begun after it.
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
        co_return failure{asio::error::operation_aborted, "request to " + r.url + " not sent: cancelled"};
    if (credential_rejected_ && !r.anonymous)
        co_return failure{http::error::credential_rejected,
                          "the server rejected the credential of user \"" + credential_.user + "\" earlier"};

    auto target = parse_url(r.url);
    if (!target) co_return target.error();
    auto req = wire_request_of(r, *target);
    const auto timeout = r.timeout.value_or(config_.request_timeout);
    const auto retry_as = r.safe_to_repeat ? bhttp::verb::get : req.method();
    for (unsigned redirects = 0;; ++redirects) {
        std::optional<std::chrono::seconds> retry_after;
        auto result = co_await async_with_retries(*target, req, timeout, retry_as, retry_after);
        if (!result) co_return result;
        const response& res = *result;
        if (auto refused = failure_of_status(res, req.method(), *target, retry_after)) {
            if (res.status == 401) credential_rejected_ = !r.anonymous;
            co_return std::move(*refused);
        }
        if (!is_redirect(res.status)) co_return result;
        auto location = res.header("Location");
        if (location.empty()) co_return result;
        if (redirects >= config_.max_redirects)
            co_return failure{
                http::error::too_many_redirects,
                "more than " + std::to_string(config_.max_redirects) + " redirects from " + target->to_string(),
                res.status};
        auto next = resolve_location(*target, location);
        if (!next) co_return next.error();
        if (next->origin != target->origin)
            co_return failure{http::error::redirect_to_other_host,
                              target->to_string() + " redirects to " + next->origin.to_string(), res.status};
        ++stats_.redirects;
        target = std::move(next);
        follow(req, *target, res.status);
    }
}

}  // namespace prereadd::http
